#!/usr/bin/env python3
"""Prints a JPEG's width and height from its frame header. Usage: jpegsize.py FILE.jpg"""
import sys

data = open(sys.argv[1], "rb").read()
i = 2
while data[i + 1] not in (0xC0, 0xC1, 0xC2):  # skip the segments before the frame header
    i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
print(int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big"))
