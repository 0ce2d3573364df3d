package dbtest

import "syscall"

// memDir is /dev/shm when it is a memory file system (tmpfs) with at least
// 2 GiB free, else "" (the system's temporary folder).
func memDir() string {
	const tmpfsMagic = 0x01021994
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err != nil || st.Type != tmpfsMagic {
		return ""
	}
	if st.Bavail*uint64(st.Bsize) < 2<<30 {
		return ""
	}
	return "/dev/shm"
}
