@echo off
rem PrepStation: WinPE start for machine m-0001, profile dental-weber.
setlocal EnableExtensions
wpeutil InitializeNetwork >nul 2>&1
wpeutil WaitForNetwork >nul 2>&1
echo PrepStation: connecting to the install share...
for /l %%i in (1,1,12) do (
  net use Z: "\\192.168.50.1\win11-24h2" "********" /user:"deploy" /persistent:no >nul 2>&1 && goto mapped
  ping -n 6 127.0.0.1 >nul
)
echo PrepStation: cannot connect to \\192.168.50.1\win11-24h2. Check the share and its user, then type exit to retry.
cmd /k
goto :eof
:mapped
echo PrepStation: running Windows Setup...
Z:\setup.exe /unattend:X:\Windows\System32\autounattend.xml /noreboot
set "W="
for %%d in (C D E F G H I J K L M N O P Q R S T U V W Y) do (
  if not defined W if exist %%d:\Windows\System32\config\SYSTEM set "W=%%d:"
)
if not defined W (
  echo PrepStation: Setup did not leave a Windows installation; see X:\Windows\Panther\setupact.log
  cmd /k
  goto :eof
)
mkdir "%W%\PrepStation" 2>nul
copy /y X:\Windows\System32\prepstation-start.cmd "%W%\PrepStation\start.cmd" >nul
mkdir "%W%\Windows\Setup\Scripts" 2>nul
copy /y X:\Windows\System32\prepstation-setupcomplete.cmd "%W%\Windows\Setup\Scripts\SetupComplete.cmd" >nul
net use Z: /delete /y >nul 2>&1
wpeutil reboot
