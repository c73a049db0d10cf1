module miniraftkv/handout

go 1.22
