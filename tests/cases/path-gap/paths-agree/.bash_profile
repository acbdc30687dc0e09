# the login shell ends with the same PATH the process inherited
export PATH="/usr/bin:/bin"
