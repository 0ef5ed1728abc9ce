# libmallocsim-record.so: the LD_PRELOAD recorder (see recorder/recorder.c).
# The including Makefile defines "all" after the includes; keep it the default goal.
.DEFAULT_GOAL := all
PROGRAMS += $(OUT)/libmallocsim-record.so
RECORDER_SOURCES := recorder/recorder.c $(filter-out recorder/recorder.c,$(wildcard recorder/encode_*.c))

# -fvisibility=hidden exports only the allocator entry points; -ftls-model keeps TLS access
# from calling malloc (a dlopen-style dynamic TLS block would).
$(OUT)/libmallocsim-record.so: $(RECORDER_SOURCES) recorder/encode.h recorder/encode_binary.h
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -shared -fPIC -fno-plt -fvisibility=hidden -ftls-model=initial-exec -o $@ $(RECORDER_SOURCES) -lpthread
