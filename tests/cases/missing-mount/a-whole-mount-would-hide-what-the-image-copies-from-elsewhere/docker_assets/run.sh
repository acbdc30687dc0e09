#!/bin/sh
exec python manage.py runserver
