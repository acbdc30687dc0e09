# the login shell adds ~/tools, which an IDE-started process never gets
export PATH="/usr/bin:/bin:$HOME/tools"
