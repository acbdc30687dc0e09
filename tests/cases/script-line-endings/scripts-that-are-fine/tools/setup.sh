@echo off
echo windows only
