package vault

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecryptAnsibleVault decrypts what ansible-vault encrypts (1.1 and a
// 1.2 vault id), and checks the errors for no and wrong secrets.
func TestDecryptAnsibleVault(t *testing.T) {
	av, err := exec.LookPath("ansible-vault")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ansible-vault is required in CI (apt-get install ansible-core)")
		}
		t.Skip("ansible-vault not installed (needed to make the reference vault texts)")
	}
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	plain := "a: 1\nunicode: h\u00e9llo\n" + strings.Repeat("x", 100) + "\n"
	for _, id := range []string{"", "prod"} {
		f := filepath.Join(dir, "v"+id+".yml")
		os.WriteFile(f, []byte(plain), 0o600)
		args := []string{"encrypt", "--vault-password-file", pw, f}
		if id != "" {
			args = []string{"encrypt", "--vault-id", id + "@" + pw, "--encrypt-vault-id", id, f}
		}
		if out, err := exec.Command(av, args...).CombinedOutput(); err != nil {
			t.Fatalf("ansible-vault %v: %v\n%s", args, err, out)
		}
		data, _ := os.ReadFile(f)
		if id != "" && !strings.HasPrefix(string(data), "$ANSIBLE_VAULT;1.2;AES256;prod\n") {
			t.Fatalf("header %q", strings.SplitN(string(data), "\n", 2)[0])
		}
		got, err := DecryptWith(data, []Secret{{ID: "other", Password: []byte("nope")}, {ID: "default", Password: []byte("s3cret")}})
		if err != nil || string(got) != plain {
			t.Fatalf("id %q: got %q, %v", id, got, err)
		}
		if _, err := DecryptWith(data, nil); err != ErrNoSecrets {
			t.Errorf("no secrets: %v", err)
		}
		if _, err := decrypt(data, f, []Secret{{Password: []byte("wrong")}}); err == nil || err.Error() != "Decryption failed (no vault secrets were found that could decrypt) on "+f {
			t.Errorf("wrong secret: %v", err)
		}
	}
	// and ansible-vault decrypts what Encrypt writes
	enc, err := Encrypt([]byte(plain), Secret{ID: "default", Password: []byte("s3cret")})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "ours.yml")
	os.WriteFile(f, enc, 0o600)
	out, err := exec.Command(av, "view", "--vault-password-file", pw, f).CombinedOutput()
	if err != nil || string(out) != plain {
		t.Fatalf("ansible-vault view: %v %q", err, out)
	}
}

// FuzzDecrypt: arbitrary vault text never panics.
func FuzzDecrypt(f *testing.F) {
	enc, _ := Encrypt([]byte("hello"), Secret{Password: []byte("pw")})
	f.Add(enc)
	f.Add([]byte("$ANSIBLE_VAULT;1.1;AES256\n3132\n"))
	f.Add([]byte("$ANSIBLE_VAULT;1.2;AES256;x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		DecryptWith(data, []Secret{{Password: []byte("pw")}})
	})
}
