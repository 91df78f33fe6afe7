#!/bin/sh
# Records ansible-core 2.14's systemd and service results against
# fake-systemctl (put first on PATH), with the systemctl calls each made.
# Run from this directory: sh record.sh  (writes ansible_systemd.txt)
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
here=$(pwd)
export FAKE_SYSTEMCTL_DIR=/tmp/gp_fake_systemctl
bin=/tmp/gp_fake_bin; rm -rf $bin; mkdir -p $bin; ln -s "$here/fake-systemctl" $bin/systemctl
out=$here/ansible_systemd.txt; : >$out
reset() {
	rm -rf $FAKE_SYSTEMCTL_DIR; mkdir -p $FAKE_SYSTEMCTL_DIR/units
	printf 'active=inactive\nenabled=disabled\n' >$FAKE_SYSTEMCTL_DIR/units/web.service
	printf 'active=active\nenabled=enabled\n' >$FAKE_SYSTEMCTL_DIR/units/db.service
	printf 'active=inactive\nenabled=masked\n' >$FAKE_SYSTEMCTL_DIR/units/hidden.service
	: >$FAKE_SYSTEMCTL_DIR/calls
}
rec() { # module check args
	reset
	echo "\$ ansible localhost -c local $2 -m $1 -a '$3'" >>$out
	PATH=$bin:$PATH ansible localhost -c local $2 -m $1 -a "$3" >>$out 2>&1
	echo "# calls:" >>$out
	sed 's/^/# /' $FAKE_SYSTEMCTL_DIR/calls >>$out
	echo >>$out
}
for c in "" "-C"; do
	rec systemd "$c" "name=web state=started"
	rec systemd "$c" "name=web state=started enabled=yes"
	rec systemd "$c" "name=db state=started enabled=yes"
	rec systemd "$c" "name=db state=stopped enabled=no"
	rec systemd "$c" "name=db state=restarted"
	rec systemd "$c" "name=db state=reloaded"
	rec systemd "$c" "name=web state=reloaded"
	rec systemd "$c" "name=hidden masked=no"
	rec systemd "$c" "name=web masked=yes"
	rec systemd "$c" "name=nosuch state=started"
	rec systemd "$c" "name=nosuch enabled=yes"
	rec systemd "$c" "daemon_reload=yes"
	rec systemd "$c" "name=web daemon_reload=yes state=stopped"
	rec service "$c" "name=web state=started use=systemd"
done
rec systemd "" "name=hidden state=started"
rec systemd "" "name=web*"
rec systemd "" "name=web"
rec systemd "" "state=started"
rec systemd "" "name=web scope=user enabled=yes"
rec systemd "" "name=hidden masked=no enabled=yes state=started"
rec systemd "" "name=web masked=yes enabled=no"
rec service "" "name=web state=started sleep=3 use=systemd"
rec service "" "name=web use=service"
