module flyteplug

go 1.19
