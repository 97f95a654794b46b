@echo off
rem PrepStation: start the agent once right after setup (it also starts at every boot).
schtasks.exe /run /tn PrepStationAgent
