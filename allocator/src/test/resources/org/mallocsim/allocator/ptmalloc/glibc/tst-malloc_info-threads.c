/* The program that printed tst-malloc_info-2-threads-*.txt with glibc 2.36-9+deb12u14 on the
   reference machine: gcc -O1 -o mit mit.c -lpthread && ./mit 2> out (identical output in three
   runs). glibc's malloc/tst-malloc_info.c with two threads of 68 MiB instead of four of 128 MiB
   (still two heaps in a thread arena), and malloc_info on unbuffered stderr. */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
/* pthread_create's DTV calloc goes to a private pool, as in mallocsim-replay, so the heaps hold
   only the test's own blocks */
static char pool[1 << 16];
static size_t pool_used;
static int creating;
extern void *__libc_calloc(size_t, size_t);
extern void __libc_free(void *);
void *calloc(size_t n, size_t s)
{
    if (creating) {
        void *p = pool + pool_used;
        pool_used += (n * s + 15) & ~15UL;
        memset(p, 0, n * s);
        return p;
    }
    return __libc_calloc(n, s);
}
void free(void *p)
{
    if ((char *)p >= pool && (char *)p < pool + sizeof pool)
        return;
    __libc_free(p);
}
static pthread_barrier_t barrier;
#ifndef PER
#define PER (68u * 1024 * 1024)
#endif
struct list {
    struct list *next;
    long dummy[4];
};
static void *fn(void *c)
{
    struct list *head = NULL;
    size_t a = 0;
    while (a < PER) {
        struct list *n = malloc(sizeof *n);
        a += sizeof *n;
        n->next = head;
        head = n;
    }
    pthread_barrier_wait(&barrier);
    pthread_barrier_wait(&barrier);
    while (head) {
        struct list *n = head->next;
        free(head);
        head = n;
    }
    return NULL;
}
int main(void)
{
    pthread_barrier_init(&barrier, NULL, 3);
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        creating = 1;
        pthread_create(&t[i], NULL, fn, NULL);
        creating = 0;
    }
    pthread_barrier_wait(&barrier);
    malloc_info(0, stderr);
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    malloc_info(0, stderr);
    return 0;
}
