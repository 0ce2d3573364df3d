//go:build !linux

package dbtest

// memDir is "" (the system's temporary folder) where there is no /dev/shm.
func memDir() string { return "" }
