# run the program with stderr merged into stdout, so that the error message is compared too
"$@" 2>&1
