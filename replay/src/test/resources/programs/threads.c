/*
 * Threads for the recorded-programs test. "churn N WAVES": WAVES waves of N threads that
 * allocate, hand blocks to each other, exit and are replaced (their arenas go to the free list
 * and are reused). "many N": N threads at once, more than glibc's arena limit, so later ones
 * share arenas (reused_arena). "fork": a thread holds its arena while the process forks; the
 * child's new thread takes that arena from the free list.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SLOTS = 64, MINE = 32, MAX_THREADS = 256 };
static void *shared[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;
static int iterations = 1500;

static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void *work(void *arg)
{
    unsigned seed = (unsigned)(long)arg;
    void *mine[MINE] = {0};
    for (int i = 0; i < iterations; i++) {
        unsigned r = next(&seed);
        int k = r % MINE;
        size_t size = (r >> 5) % 4 == 0 ? (r >> 7) % 4000 + 1 : (r >> 7) % 200 + 1;
        if ((r >> 12) % 97 == 0) {
            size = 140000 + r % 50000; /* over the mmap threshold */
        }
        free(mine[k]);
        mine[k] = (r >> 3) % 5 == 0 ? calloc(1, size) : malloc(size);
        if ((r >> 9) % 7 == 0) { /* swap with a block another thread may free */
            int s = (r >> 14) % SLOTS;
            pthread_mutex_lock(&lock);
            void *old = shared[s];
            shared[s] = mine[k];
            mine[k] = old;
            pthread_mutex_unlock(&lock);
        }
        if ((r >> 10) % 11 == 0 && mine[k]) {
            mine[k] = realloc(mine[k], size * 2 + 1);
        }
    }
    for (int k = 0; k < MINE; k++) {
        free(mine[k]);
    }
    return 0;
}

/* Every thread takes its arena before any goes on, so all of them hold one at the same time. */
static void *together(void *arg)
{
    pthread_barrier_wait(&start);
    void *volatile first = malloc(16); /* volatile: the compiler may not drop the pair */
    pthread_barrier_wait(&start);
    work(arg);
    free(first);
    return 0;
}

static int run(int n, void *(*f)(void *), int wave)
{
    pthread_t t[MAX_THREADS];
    for (int i = 0; i < n; i++) {
        if (pthread_create(&t[i], 0, f, (void *)(long)(wave * 1000 + i + 1)) != 0) {
            return 1;
        }
    }
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], 0);
    }
    return 0;
}

/* Allocates in its own arena, then holds it (alive) across the fork. */
static void *holder(void *arg)
{
    work(arg);
    void *volatile p = malloc(100);
    pthread_barrier_wait(&start);
    pthread_barrier_wait(&start);
    free(p);
    return 0;
}

static int forked(void)
{
    pthread_t t;
    pthread_barrier_init(&start, 0, 2);
    iterations = 300;
    if (pthread_create(&t, 0, holder, (void *)1L) != 0) {
        return 1;
    }
    pthread_barrier_wait(&start);
    void *q = malloc(1000);
    pid_t pid = fork();
    if (pid == 0) {
        free(q);
        _exit(run(1, work, 2));
    }
    int status = 1;
    waitpid(pid, &status, 0);
    pthread_barrier_wait(&start); /* the thread ends only after the child */
    pthread_join(t, 0);
    free(q);
    return status != 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "churn";
    int n = argc > 2 ? atoi(argv[2]) : 4;
    int waves = argc > 3 ? atoi(argv[3]) : 5;
    int rc = 0;
    if (n < 1 || n > MAX_THREADS) {
        fprintf(stderr, "threads: 1..%d threads\n", MAX_THREADS);
        return 2;
    }
    if (strcmp(mode, "fork") == 0) {
        rc = forked();
    } else if (strcmp(mode, "many") == 0) {
        pthread_barrier_init(&start, 0, n);
        rc = run(n, together, 0);
    } else {
        for (int w = 0; w < waves && rc == 0; w++) {
            rc = run(n, work, w);
        }
    }
    work((void *)7L);
    for (int s = 0; s < SLOTS; s++) {
        free(shared[s]);
    }
    return rc;
}
