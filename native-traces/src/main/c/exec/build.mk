# The shell's native executor: performs the shell's syscalls and memory accesses in a real process.
PROGRAMS += $(OUT)/mallocsim-exec

$(OUT)/mallocsim-exec: exec/exec.c exec/malloc_calls.c exec/exec.h
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ exec/exec.c exec/malloc_calls.c
