export PATH="/usr/bin:/bin"
