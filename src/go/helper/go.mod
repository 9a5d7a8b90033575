module goprod.dev/helper

go 1.21
