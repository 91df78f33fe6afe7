#!/bin/sh
echo prod-pw-2
