#!/bin/sh
echo prestart
