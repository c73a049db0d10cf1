module miniraftkv

go 1.22
