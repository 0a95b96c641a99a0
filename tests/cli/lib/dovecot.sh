# A throwaway Dovecot on loopback for the IMAP tests and bench: its own
# configuration, runtime directories, log and self-signed certificate
# (for 127.0.0.1) in a directory given by the caller, one user with a
# static password, Maildir storage, random free ports.  Source it, then:
#
#	dovecot_start DIR	sets DV_CONF, DV_IMAP (plain/STARTTLS port),
#				DV_IMAPS (TLS port), DV_CA (the certificate),
#				DV_USER, DV_PASS, DV_MAIL (the user's Maildir)
#	dovecot_stop		stops it (also call it from the trap)
#	dv_deliver FOLDER < MESSAGE
#				stores one message as new mail (doveadm save)
#	dv_maildir_fill FOLDER MBOX [USER]
#				writes every message of MBOX as a Maildir file
#				of FOLDER, in order, before Dovecot sees them
#	dovecot_restart		starts it again on the same ports
#
# Any user name logs in with DV_PASS (a static passdb); each has its own
# Maildir under DIR/mail.
#
# Skips (exit 77) when Dovecot or openssl is missing.

command -v dovecot >/dev/null 2>&1 && command -v doveadm >/dev/null 2>&1 ||
	{ echo "1..0 # SKIP dovecot-imapd not installed"; exit 77; }
command -v openssl >/dev/null 2>&1 ||
	{ echo "1..0 # SKIP openssl not installed"; exit 77; }

dv_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

dovecot_start() {
	local d=$1 iu ig lu
	mkdir -p "$d/run" "$d/state" "$d/mail" "$d/home"
	DV_USER=alice DV_PASS='s3cret-Pass.42'	# no spaces: static passdb args split on them
	DV_IMAP=$(dv_free_port) DV_IMAPS=$(dv_free_port)
	while [ "$DV_IMAPS" = "$DV_IMAP" ]; do DV_IMAPS=$(dv_free_port); done
	DV_CA=$d/cert.pem DV_CONF=$d/dovecot.conf DV_MAIL=$d/mail/$DV_USER
	DV_DIR=$d
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
	    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	    >/dev/null 2>&1 || return 1
	# As root, the mail belongs to the dovecot user: Dovecot refuses
	# uid 0 for mail access whatever first_valid_uid says.
	if [ "$(id -u)" -eq 0 ]; then
		iu=dovecot ig=dovecot lu=dovenull
		DV_UID=$(id -u dovecot) DV_GID=$(id -g dovecot)
	else
		iu=$(id -un) ig=$(id -gn) lu=$(id -un)
		DV_UID=$(id -u) DV_GID=$(id -g)
	fi
	chmod 755 "$d" "$(dirname "$d")"
	chown "$DV_UID:$DV_GID" "$d/mail" "$d/home"
	cat > "$DV_CONF" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = $iu
default_internal_group = $ig
default_login_user = $lu
first_valid_uid = 1
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:$d/mail/%u
mail_fsync = never
passdb {
  driver = static
  args = password=$DV_PASS
}
userdb {
  driver = static
  args = uid=$DV_UID gid=$DV_GID home=$d/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $DV_IMAP
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DV_IMAPS
    ssl = yes
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Archive {
    auto = subscribe
  }
}
EOF
	dovecot -c "$DV_CONF" || return 1
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$DV_IMAPS") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "# dovecot did not start:"; sed 's/^/# /' "$d/dovecot.log"
	return 1
}

dovecot_restart() {
	dovecot -c "$DV_CONF" || return 1
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$DV_IMAPS") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

dovecot_stop() {
	[ -n "${DV_CONF:-}" ] && [ -f "$DV_CONF" ] || return 0
	local pid
	pid=$(cat "$DV_DIR/run/master.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	for _ in $(seq 100); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
}

dv_deliver() {
	doveadm -c "$DV_CONF" save -u "$DV_USER" -m "$1"
}

dv_doveadm() {
	doveadm -c "$DV_CONF" "$@"
}

# Maildir files in mbox order: names sort as the messages came, and
# Dovecot gives UIDs in that order when it first looks at the folder.
dv_maildir_fill() {
	local dir=$DV_DIR/mail/${3:-$DV_USER}
	[ "$1" = INBOX ] || dir=$dir/.$1
	mkdir -p "$dir/cur" "$dir/new" "$dir/tmp"
	python3 "$RT_SOURCE_DIR/tests/cli/lib/maildir_fill.py" "$2" "$dir/cur" "$DV_UID" "$DV_GID"
	chown "$DV_UID:$DV_GID" "$DV_DIR/mail" "$DV_DIR/mail/${3:-$DV_USER}" "$dir" "$dir/cur" "$dir/new" "$dir/tmp"
}
