#!/bin/sh
npm install
exec npm run watch
