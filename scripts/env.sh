# Source this from your shell to use the project's tools after the README's set-up command:
#     source scripts/env.sh
# It puts the project's virtualenv (python, python -m ctsync) and the Pulumi CLI that
# scripts/install-pulumi.sh built on PATH, and nothing else: no shell option is changed, nothing is
# installed or built. Plugin acquisition is left to Pulumi, so a real stack that uses an extra gets
# the azuread / azure-native plugins (docs/configuration.md, "Extras").
_ctsync_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
if [ ! -x "$_ctsync_root/.venv/bin/python" ]; then
  echo "env.sh: no $_ctsync_root/.venv yet: run bash scripts/bootstrap.sh (or the README's first command) first" >&2
else
  case ":$PATH:" in
    *":$_ctsync_root/.venv/bin:"*) ;;
    *) PATH="$_ctsync_root/.venv/bin:$PATH" ;;
  esac
  if [ -x "$_ctsync_root/.tools/pulumi/bin/pulumi" ]; then
    case ":$PATH:" in
      *":$_ctsync_root/.tools/pulumi/bin:"*) ;;
      *) PATH="$_ctsync_root/.tools/pulumi/bin:$PATH" ;;
    esac
  fi
  export PATH PULUMI_SKIP_UPDATE_CHECK=true
  echo "env.sh: $(command -v python) and $(command -v pulumi || echo 'no pulumi (run bash scripts/bootstrap.sh)') on PATH" >&2
fi
unset _ctsync_root
