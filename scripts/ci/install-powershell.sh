#!/usr/bin/env bash
# PowerShell 7 and Pester 5 for the Windows agent's tests (agent.ps1 under pwsh on Linux,
# Windows-only functions under Pester mocks). Idempotent: installs only what is missing and
# says what it did. Needs the .NET SDK (`dotnet`) and NuGet; PSGallery is not used (not
# reachable from CI), so Pester comes from its NuGet package, whose tools/ folder is the
# module as PSGallery ships it.
#
# Where things go (the tests look there):
#   pwsh    $HOME/.dotnet/tools/pwsh (a .NET global tool; .ci/run puts the folder on PATH)
#   Pester  /usr/local/share/powershell/Modules/Pester/<version> as root (pwsh's all-users
#           module path on Linux), else $HOME/.local/share/powershell/Modules (current user):
#           both are on pwsh's default PSModulePath, so `Import-Module Pester` finds it.
set -euo pipefail

PWSH_VERSION="${PWSH_VERSION:-7.6.10}" # 7.7.0 does not install from this project's NuGet
PESTER_VERSION="${PESTER_VERSION:-5.7.1}"
TOOLS_DIR="$HOME/.dotnet/tools"
PWSH="$TOOLS_DIR/pwsh"
if [ "$(id -u)" = 0 ]; then
  MODULES_DIR="/usr/local/share/powershell/Modules"
else
  MODULES_DIR="$HOME/.local/share/powershell/Modules"
fi

say() { echo "install-powershell: $*"; }
die() {
  echo "install-powershell: ERROR: $*" >&2
  exit 1
}

command -v dotnet >/dev/null 2>&1 ||
  die "the .NET SDK is not installed (no 'dotnet' on PATH); install it, then run this again"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# A global tool's launcher looks for the runtime in DOTNET_ROOT, then in the standard places
# (/usr/share/dotnet, /usr/lib/dotnet): an SDK installed elsewhere needs DOTNET_ROOT.
if [ -z "${DOTNET_ROOT:-}" ]; then
  dotnet_dir="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  case "$dotnet_dir" in
    /usr/share/dotnet | /usr/lib/dotnet) ;;
    *)
      export DOTNET_ROOT="$dotnet_dir"
      say "the .NET SDK is in $dotnet_dir: tests need DOTNET_ROOT=$dotnet_dir (set for them by test/helpers/pwsh.ts)"
      ;;
  esac
fi

# --- PowerShell ----------------------------------------------------------------------------
installed_pwsh=""
if [ -x "$PWSH" ]; then
  installed_pwsh="$("$PWSH" -NoLogo -NoProfile -NonInteractive -Command \
    '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true)"
fi
if [ "$installed_pwsh" = "$PWSH_VERSION" ]; then
  say "PowerShell $PWSH_VERSION already installed at $PWSH"
elif dotnet tool list --global 2>/dev/null | awk '{print tolower($1)}' | grep -qx powershell; then
  say "PowerShell ${installed_pwsh:-(unreadable)} found; changing it to $PWSH_VERSION"
  dotnet tool update --global PowerShell --version "$PWSH_VERSION" --allow-downgrade
else
  say "installing PowerShell $PWSH_VERSION (dotnet global tool)"
  dotnet tool install --global PowerShell --version "$PWSH_VERSION"
fi
got="$("$PWSH" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()')" ||
  die "$PWSH does not start after the install"
[ "$got" = "$PWSH_VERSION" ] || die "$PWSH reports version $got, expected $PWSH_VERSION"

# --- Pester --------------------------------------------------------------------------------
pester_dir="$MODULES_DIR/Pester/$PESTER_VERSION"
if [ -f "$pester_dir/Pester.psd1" ]; then
  say "Pester $PESTER_VERSION already installed at $pester_dir"
else
  say "installing Pester $PESTER_VERSION from NuGet into $pester_dir"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # A throwaway project whose only job is to make `dotnet restore` fetch the package with
  # the machine's NuGet configuration (sources, proxies, certificate settings).
  cat >"$work/fetch-pester.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
PROJ
  dotnet restore "$work/fetch-pester.csproj" --packages "$work/packages" --verbosity quiet ||
    die "could not download the NuGet package Pester $PESTER_VERSION (is NuGet reachable?)"
  src="$work/packages/pester/$PESTER_VERSION/tools"
  [ -f "$src/Pester.psd1" ] || die "the Pester $PESTER_VERSION package has no tools/Pester.psd1"
  mkdir -p "$MODULES_DIR/Pester"
  rm -rf "$pester_dir.partial"
  cp -R "$src" "$pester_dir.partial"
  mv "$pester_dir.partial" "$pester_dir"
fi
loaded="$("$PWSH" -NoLogo -NoProfile -NonInteractive -Command \
  "Import-Module Pester -RequiredVersion $PESTER_VERSION -ErrorAction Stop; (Get-Module Pester).Version.ToString()")" ||
  die "pwsh cannot import Pester $PESTER_VERSION from $MODULES_DIR"
say "ready: pwsh $got ($PWSH), Pester $loaded ($pester_dir)"
