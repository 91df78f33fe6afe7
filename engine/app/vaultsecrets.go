package app

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/goplay/goplay/engine/cli"
	"github.com/goplay/goplay/engine/config"
	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/engine/vault"
)

// vaultSecrets sets up the run's vault secrets as CLI.setup_vault_secrets
// does for ansible-playbook: the configured vault identities, then
// --vault-id, then each --vault-password-file (and the configured
// vault_password_file) as default@FILE, then default@prompt for
// --ask-vault-pass. A file that is executable is run and its output is the
// password. A bad password file is warned about and skipped; it is an
// error only when no secret at all could be read.
func vaultSecrets(o *cli.Options, cfg *config.Config, d *output.Display, stdin io.Reader) error {
	ids := append(append([]string(nil), cfg.VaultIdentityList...), o.VaultIDs...)
	files := append([]string(nil), o.VaultPasswordFiles...)
	if cfg.VaultPasswordFile != "" {
		files = append(files, cfg.VaultPasswordFile)
	}
	for _, f := range files {
		ids = append(ids, "default@"+f)
	}
	if o.AskVaultPass || cfg.AskVaultPass {
		ids = append(ids, "default@prompt_ask_vault_pass")
	}
	var secrets []vault.Secret
	var last error
	found := false
	for _, slug := range ids {
		name, source := "", slug
		if i := strings.Index(slug, "@"); i >= 0 {
			name, source = slug[:i], slug[i+1:]
		}
		if source == "prompt" || source == "prompt_ask_vault_pass" {
			id := name
			if id == "" {
				id = "default"
			}
			msg := "Vault password: "
			if source == "prompt" {
				msg = fmt.Sprintf("Vault password (%s): ", id)
			}
			pw, err := prompt(msg, stdin)
			if err != nil {
				return err
			}
			if pw == "" {
				d.Warning(fmt.Sprintf("Error in vault password prompt (%s): Invalid vault password was provided from prompt", name))
				return fmt.Errorf("Invalid vault password was provided from prompt")
			}
			secrets = append(secrets, vault.Secret{ID: id, Password: []byte(pw)})
			found = true
			continue
		}
		pw, err := vaultPasswordFile(source)
		if err != nil {
			label := name
			if label == "" {
				label = "None"
			}
			d.Warning(fmt.Sprintf("Error getting vault password file (%s): %v", label, err))
			last = err
			continue
		}
		if name == "" {
			name = "default"
		}
		secrets = append(secrets, vault.Secret{ID: name, Password: pw})
		found = true
	}
	if last != nil && !found {
		return last
	}
	vault.SetSecrets(secrets)
	return nil
}

// vaultPasswordFile reads a vault password file (its text without the
// surrounding white space), or runs it when it is executable (its output
// without line ends).
func vaultPasswordFile(path string) ([]byte, error) {
	if strings.HasPrefix(path, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(h, path[2:])
		}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("The vault password file %s was not found", path)
	}
	if st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
		var out, errb bytes.Buffer
		cmd := exec.Command(path)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				return nil, fmt.Errorf("Vault password script %s returned non-zero (%d): %s", path, ee.ExitCode(), errb.String())
			}
			return nil, fmt.Errorf("Problem running vault password script %s (%v). If this is not a script, remove the executable bit from the file.", path, err)
		}
		pw := bytes.Trim(out.Bytes(), "\r\n")
		if len(pw) == 0 {
			return nil, fmt.Errorf("Invalid vault password was provided from script (%s)", path)
		}
		return pw, nil
	}
	b, err := vault.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("Could not read vault password file %s: %v", path, err)
	}
	pw := bytes.TrimSpace(b)
	if len(pw) == 0 {
		return nil, fmt.Errorf("Invalid vault password was provided from file (%s)", path)
	}
	return pw, nil
}
