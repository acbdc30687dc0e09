// src
