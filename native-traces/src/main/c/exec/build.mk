# The shell's native executor: performs the shell's syscalls and memory accesses in a real process.
PROGRAMS += $(OUT)/mallocsim-exec

$(OUT)/mallocsim-exec: exec/exec.c
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ $<
