@echo off
rem PrepStation: DISM for deploy.cmd, in the background so deploy.cmd can report its progress.
dism /Apply-Image /ImageFile:W:\PrepStation\image\install.wim /Index:6 /ApplyDir:W:\ >"X:\PrepStation\apply.out" 2>&1
>"X:\PrepStation\apply.rc.tmp" echo %errorlevel%
move /y "X:\PrepStation\apply.rc.tmp" "X:\PrepStation\apply.rc" >nul
