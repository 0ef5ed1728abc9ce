# mallocsim-replay: replays a reference-format trace against the real glibc (see replay/main.c).
# The including Makefile defines "all" after the includes; keep it the default goal.
.DEFAULT_GOAL := all
PROGRAMS += $(OUT)/mallocsim-replay

$(OUT)/mallocsim-replay: replay/main.c replay/trace.c replay/trace.h replay/ptrmap.h common/rawio.h
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ replay/main.c replay/trace.c -lpthread
