#!/bin/sh
# Records ansible-core 2.14's uri and get_url results against server.py.
# Run from this directory: sh record.sh  (writes ansible_uri.txt, ansible_get_url.txt)
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
python3 server.py 18765 & SRV=$!
sleep 1
U=http://127.0.0.1:18765
D=/tmp/gp_record; rm -rf $D; mkdir -p $D/g
rec() { # file module check args
	f=$1; m=$2; c=$3; shift 3
	for a in "$@"; do
		echo "\$ ansible localhost -c local $c -m $m -a '$a'" >>$f
		ansible localhost -c local $c -m $m -a "$a" >>$f 2>&1
		echo >>$f
	done
}
: >ansible_uri.txt
rec ansible_uri.txt uri "" "url=$U/json" "url=$U/text return_content=yes" "url=$U/missing" \
	"url=$U/missing status_code=200,404" "url=$U/missing return_content=yes" "url=$U/redir" \
	"url=$U/redir follow_redirects=none" "url=$U/cookie" \
	"url=$U/auth url_username=u url_password=p force_basic_auth=yes" "url=$U/auth url_username=u url_password=p" \
	"url=http://127.0.0.1:1/x" "url=$U/echo method=post body_format=json body={\"k\":\"v\"}" \
	"url=$U/text dest=$D/out.txt" "url=$U/text dest=$D" "url=$U/text method='GE T'" \
	"url=http://nonexistent.invalid/x" "url=$U/text creates=$D" "url=$U/text removes=/tmp/gp_nonexistent" \
	"url=$U/text status_code=abc" "url=$U/text method=HEAD" "url=ftp2://x/y" "url=$U/echo method=POST body=raw-text"
rec ansible_uri.txt uri "-C" "url=$U/text"
S=$(printf 'file content\n' | sha256sum | cut -d' ' -f1)
: >ansible_get_url.txt
rec ansible_get_url.txt get_url "" "url=$U/file.txt dest=$D/g/f.txt" "url=$U/file.txt dest=$D/g/f.txt" \
	"url=$U/file.txt dest=$D/g/f.txt checksum=sha256:$S" "url=$U/file.txt dest=$D/g/f.txt checksum=sha256:$S mode=0600" \
	"url=$U/file.txt dest=$D/g/g.txt checksum=sha256:$U/file.txt.sha256" "url=$U/file.txt dest=$D/g/h.txt checksum=sha256:abcd" \
	"url=$U/file.txt dest=$D/g/i.txt checksum=abcd" "url=$U/file.txt dest=$D/g/i.txt checksum=sha256:xyz" \
	"url=$U/missing dest=$D/g/m.txt" "url=http://127.0.0.1:1/x dest=$D/g/m.txt" "url=$U/file.txt dest=$D/g/" \
	"url=$U/file.txt dest=$D/g/nodir/x" "url=$U/file.txt dest=$D/g/f.txt force=yes"
rec ansible_get_url.txt get_url "-C" "url=$U/file.txt dest=$D/g/new.txt" "url=$U/file.txt dest=$D/g/f.txt"
# JSON arguments, for bodies that are dicts.
rec ansible_uri.txt uri "" '{"url": "'$U'/echo", "method": "POST", "body": {"a": "x y", "b": [1, 2], "c": true}, "body_format": "form-urlencoded"}' \
	'{"url": "'$U'/echo", "method": "POST", "body": {"a": "x \u00e9", "b": [1, 2.5, null], "c": true}, "body_format": "json"}' \
	"url=$U/gzip return_content=yes" "url=$U/postredir method=POST" "url=$U/postredir method=POST follow_redirects=all" \
	"url=$U/echo method=DELETE headers={\"X-Test\":\"t1\"} status_code=201"
rec ansible_get_url.txt get_url "" "url=$U/notmod dest=$D/g/nm.txt" "url=$U/notmod dest=$D/g/nm.txt" \
	"url=$U/file.txt dest=$D/g/f.txt mode=u+x,g-r" "url=$U/gzip dest=$D/g/gz.txt"
kill $SRV
