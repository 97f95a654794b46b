@echo off
rem PrepStation agent start for machine m-0042; runs as SYSTEM at every boot.
for /l %%i in (1,1,30) do (
  if exist "C:\PrepStation\agent.ps1" goto run
  powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "$ProgressPreference='SilentlyContinue'; Invoke-WebRequest -UseBasicParsing -Uri 'http://192.168.50.1:8080/t/tok_AbC-123/agent.ps1' -OutFile 'C:\PrepStation\agent.ps1.part'; Move-Item -Force 'C:\PrepStation\agent.ps1.part' 'C:\PrepStation\agent.ps1'"
  if not exist "C:\PrepStation\agent.ps1" ping -n 11 127.0.0.1 >nul
)
:run
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\PrepStation\agent.ps1"
