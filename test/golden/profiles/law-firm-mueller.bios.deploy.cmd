@echo off
rem PrepStation WinPE deployment for machine m-0001, profile law-firm-mueller.
rem Rendered for this machine by the station; each phase is reported to it over HTTP.
setlocal EnableExtensions EnableDelayedExpansion
set "PS_HOME=%~dp0"
set "PS_REPORT=http://192.168.50.1:8080/t/TOKEN-abc123/winpe"
set "PS_WORK=X:\PrepStation"
set "PS_LOG=X:\PrepStation\step.log"
set "PS_DETAIL="
mkdir "X:\PrepStation" 2>nul
echo PrepStation: starting the network...
set "PS_PHASE=network"
type nul >"%PS_LOG%"
wpeinit >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
wpeutil WaitForNetwork >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
set "PS_DETAIL=Windows 11 24H2 (26100), Windows 11 Pro"
call :report done "media=win11-24h2&edition=Windows+11+Pro&index=6&image=wim&pePacks=&packs="

set "PS_PHASE=pe-drivers"
type nul >"%PS_LOG%"
call :report started "packs="
set "PS_DETAIL=no WinPE driver pack for HP EliteDesk 800 G9: WinPE's own drivers only"
call :report skipped

set "PS_PHASE=firmware"
type nul >"%PS_LOG%"
call :report started
wpeutil UpdateBootInfo >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
set "PS_FW="
for /f "tokens=1,2,3" %%a in ('reg query HKLM\System\CurrentControlSet\Control /v PEFirmwareType') do (
  if /i "%%a"=="PEFirmwareType" set "PS_FW=%%c"
)
set "PS_FIRMWARE="
if "!PS_FW!"=="0x1" set "PS_FIRMWARE=BIOS"
if "!PS_FW!"=="0x2" set "PS_FIRMWARE=UEFI"
if not defined PS_FIRMWARE (
  set "PS_RC=1"
  set "PS_DETAIL=PEFirmwareType is !PS_FW!, neither 0x1 (BIOS) nor 0x2 (UEFI)"
  goto fail
)
set "PS_LAYOUT=mbr"
if "!PS_FIRMWARE!"=="UEFI" set "PS_LAYOUT=gpt"
set "PS_DETAIL=!PS_FIRMWARE!"
call :report done "firmware=!PS_FIRMWARE!"

set "PS_PHASE=disk"
type nul >"%PS_LOG%"
call :report started
call :choose_disk
copy /y "X:\PrepStation\disks.txt" "%PS_LOG%" >nul
if defined PS_DISK_ERROR (
  set "PS_RC=1"
  set "PS_DETAIL=!PS_DISK_ERROR!"
  goto fail
)
if not defined PS_DISK (
  set "PS_RC=1"
  set "PS_DETAIL=no disk fits: the rule is the first disk that is internal (not USB, not removable), at least 60 GB"
  goto fail
)
set "PS_DETAIL=!PS_DISK_TEXT!"
call :report done "disk=!PS_DISK!&sizeGB=!PS_DISK_GB!"

set "PS_PHASE=partition"
type nul >"%PS_LOG%"
call :report started "disk=!PS_DISK!"
>"X:\PrepStation\diskpart.txt" echo select disk !PS_DISK!
type "%PS_HOME%ps-!PS_LAYOUT!.txt" >>"X:\PrepStation\diskpart.txt"
diskpart /s X:\PrepStation\diskpart.txt >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
if not exist W:\nul (
  set "PS_RC=1"
  set "PS_DETAIL=diskpart ended without a W: volume"
  goto fail
)
set "PS_DETAIL=!PS_LAYOUT!"
call :report done "layout=!PS_LAYOUT!"

set "PS_PHASE=download"
type nul >"%PS_LOG%"
call :report started "total=4700000000&parts=1"
mkdir "W:\PrepStation\image" 2>nul
set "F_PART=1"
call :fetch "http://192.168.50.1:8080/files/media/win11-24h2/sources/install.wim" "W:\PrepStation\image\install.wim" 4700000000 0
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
call :report done

set "PS_PHASE=apply"
type nul >"%PS_LOG%"
call :report started "index=6"
del "X:\PrepStation\apply.rc" 2>nul
start "" /b cmd /c "%PS_HOME%ps-apply.cmd"
set "A_POLLS=0"
:apply_wait
if exist "X:\PrepStation\apply.rc" goto apply_end
set /a A_POLLS+=1
if !A_POLLS! GTR 1440 (
  set "PS_RC=1460"
  set "PS_DETAIL=DISM did not finish within 4 hours"
  goto fail
)
ping -n 11 127.0.0.1 >nul
call :report_file progress "out@X:\PrepStation\apply.out"
goto apply_wait
:apply_end
set /p PS_RC=<"X:\PrepStation\apply.rc"
copy /y "X:\PrepStation\apply.out" "%PS_LOG%" >nul
if not "!PS_RC!"=="0" goto fail
rmdir /s /q "W:\PrepStation\image"
call :report done

set "PS_PHASE=unattend"
type nul >"%PS_LOG%"
call :report started
mkdir W:\Windows\Panther 2>nul
copy /y "%PS_HOME%unattend.xml" W:\Windows\Panther\unattend.xml >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
mkdir W:\PrepStation 2>nul
copy /y "%PS_HOME%prepstation-start.cmd" W:\PrepStation\start.cmd >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
mkdir W:\Windows\Setup\Scripts 2>nul
copy /y "%PS_HOME%prepstation-setupcomplete.cmd" W:\Windows\Setup\Scripts\SetupComplete.cmd >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
call :report done

set "PS_PHASE=drivers"
type nul >"%PS_LOG%"
call :report started "packs="
set "PS_DETAIL=no driver pack for HP EliteDesk 800 G9: Windows' own drivers only"
call :report skipped

set "PS_PHASE=boot"
type nul >"%PS_LOG%"
call :report started "firmware=!PS_FIRMWARE!"
bcdboot W:\Windows /s S: /f !PS_FIRMWARE! >>"%PS_LOG%" 2>&1
set "PS_RC=!errorlevel!"
if not "!PS_RC!"=="0" goto fail
call :report done

set "PS_PHASE=reboot"
call :report done
echo PrepStation: Windows is on the disk; restarting into it.
wpeutil reboot
exit /b 0

:fail
set "PS_FAILED=!PS_RC!"
echo PrepStation: !PS_PHASE! failed with code !PS_FAILED!. !PS_DETAIL!
curl -s -o nul -m 30 --retry 5 --retry-delay 3 --retry-connrefused -d "phase=!PS_PHASE!&status=failed&code=!PS_FAILED!" --data-urlencode "detail=!PS_DETAIL!" --data-urlencode "log@%PS_LOG%" "%PS_REPORT%" >nul 2>&1
echo The station shows this on the machine's row. Nothing was made bootable: this PC
echo stays here in WinPE. Type exit to restart it (it network-boots again).
cmd /k
exit /b !PS_FAILED!

:report
rem %1 started|progress|done|skipped, %2 more form fields (already encoded).
curl -s -o nul -m 20 --retry 3 --retry-delay 2 --retry-connrefused -d "phase=!PS_PHASE!&status=%~1&%~2" --data-urlencode "detail=!PS_DETAIL!" "%PS_REPORT%" >nul 2>&1
set "PS_DETAIL="
exit /b 0

:report_file
rem %1 status, %2 name@file: the file goes with the report (DISM output: the station reads the %).
curl -s -o nul -m 20 --retry 2 --retry-delay 2 -d "phase=!PS_PHASE!&status=%~1" --data-urlencode "%~2" "%PS_REPORT%" >nul 2>&1
exit /b 0

:fetch
rem %1 URL, %2 file, %3 its size (0: not known, a part of a split image), %4 bytes of the
rem parts before it. Resumes (-C -) in slices of 15 s so the bytes so far are reported;
rem 5 failed tries in a row stop it. A .done file beside it says it is complete.
set "F_TRIES=0"
set "F_LAST=-1"
if exist "%~2.done" exit /b 0
:fetch_again
curl -f -sS -C - --connect-timeout 10 -m 15 -o "%~2" "%~1" >>"%PS_LOG%" 2>&1
set "F_RC=!errorlevel!"
set "F_HAVE=0"
if exist "%~2" for %%F in ("%~2") do set "F_HAVE=%%~zF"
call :report progress "part=!F_PART!&bytes=!F_HAVE!&before=%~4"
if "!F_RC!"=="0" (
  if not "%~3"=="0" if not "!F_HAVE!"=="%~3" (
    set "PS_DETAIL=the station sent !F_HAVE! bytes of %~nx2, expected %~3; was the medium imported again?"
    exit /b 1
  )
  type nul >"%~2.done"
  exit /b 0
)
if "!F_RC!"=="28" if not "!F_HAVE!"=="!F_LAST!" (
  set "F_LAST=!F_HAVE!"
  set "F_TRIES=0"
  goto fetch_again
)
set /a F_TRIES+=1
set "F_LAST=!F_HAVE!"
if !F_TRIES! GEQ 5 (
  set "PS_DETAIL=the download of %~nx2 failed 5 times in a row, curl exit code !F_RC!"
  exit /b !F_RC!
)
ping -n 6 127.0.0.1 >nul
goto fetch_again

:choose_disk
set "PS_DISK="
set "PS_DISK_ERROR="
set "PS_DISK_GB=0"
set "PS_DISK_TEXT="
set "PS_MIN_GB=60"
set "PS_SELECT=first"
set "PS_PIN="
set "PS_MODEL="
type nul >"%PS_WORK%\disks.txt"
wmic diskdrive get Index /value >nul 2>&1
if errorlevel 1 (
  set "PS_DISK_ERROR=wmic.exe does not work in this WinPE (code !errorlevel!): the disks cannot be listed; use a medium whose boot.wim has WMI"
  exit /b 0
)
for /f "tokens=1,* delims==" %%a in ('wmic diskdrive get Index^,InterfaceType^,MediaType^,Model^,Size /value') do (
  call :disk_property "%%a" "%%b"
)
exit /b 0

:disk_property
if /i "%~1"=="Index" set "D_INDEX=%~2" & set "D_IFACE=" & set "D_MEDIA=" & set "D_MODEL="
if /i "%~1"=="InterfaceType" set "D_IFACE=%~2"
if /i "%~1"=="MediaType" set "D_MEDIA=%~2"
if /i "%~1"=="Model" set "D_MODEL=%~2"
if /i "%~1"=="Size" call :consider_disk "%~2"
exit /b 0

:consider_disk
set "D_SIZE=%~1"
set "why="
set "D_GB=%D_SIZE:~0,-9%"
if "%D_GB%"=="" set "D_GB=0"
if /i "%D_IFACE%"=="USB" set "why=on USB"
if not defined why if /i not "%D_MEDIA%"=="Fixed hard disk media" set "why=not a fixed disk (%D_MEDIA%)"
if not defined why if defined PS_PIN if not "%D_INDEX%"=="%PS_PIN%" set "why=the profile wants disk %PS_PIN%"
if not defined why if %D_GB% LSS %PS_MIN_GB% set "why=%D_GB% GB is less than %PS_MIN_GB% GB"
if not defined why if defined PS_MODEL if "!D_MODEL:%PS_MODEL%=!"=="!D_MODEL!" set "why=model is not %PS_MODEL%"
if defined why (
  >>"%PS_WORK%\disks.txt" echo disk !D_INDEX! !D_IFACE! !D_GB! GB !D_MODEL!: no, !why!
  exit /b 0
)
>>"%PS_WORK%\disks.txt" echo disk !D_INDEX! !D_IFACE! !D_GB! GB !D_MODEL!: fits
set "take="
if not defined PS_DISK set "take=1"
if /i "%PS_SELECT%"=="smallest" if defined PS_DISK if %D_GB% LSS %PS_DISK_GB% set "take=1"
if /i "%PS_SELECT%"=="largest" if defined PS_DISK if %D_GB% GTR %PS_DISK_GB% set "take=1"
if defined take (
  set "PS_DISK=%D_INDEX%"
  set "PS_DISK_GB=%D_GB%"
  set "PS_DISK_TEXT=disk !D_INDEX! !D_IFACE! !D_GB! GB !D_MODEL!"
)
exit /b 0
