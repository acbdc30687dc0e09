/* The floor of any ownership walk: what a program that does nothing but the kernel's part costs.
 * For each folder: open it, read its entries (getdents64), and fstatat() each entry relative to
 * the folder (no symlink followed), descending into folders; print the path of each entry whose
 * owner is not UID. No sorting, no buffering beyond stdio's, no options: the least work that
 * still looks at every owner, as `find TREE ! -uid UID` must. benchmarks/walk_floor.sh times it
 * against find; doctor's walk (which runs find) cannot cost less than either.
 *   cc -O2 -o walk_floor walk_floor.c && ./walk_floor TREE UID
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static uid_t owner;

static void walk(int folder, char *path, size_t length) {
    char buffer[65536];
    long got;
    while ((got = syscall(SYS_getdents64, folder, buffer, sizeof buffer)) > 0) {
        for (long at = 0; at < got;) {
            struct linux_dirent64 *entry = (void *)(buffer + at);
            at += entry->d_reclen;
            const char *name = entry->d_name;
            if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
                continue;
            size_t size = strlen(name);
            if (length + size + 2 > 4096)
                continue;
            path[length] = '/';
            memcpy(path + length + 1, name, size + 1);
            struct stat status;
            if (fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            if (status.st_uid != owner)
                puts(path);
            if (S_ISDIR(status.st_mode)) {
                int inner = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (inner >= 0) {
                    walk(inner, path, length + 1 + size);
                    close(inner);
                }
            }
        }
    }
    path[length] = '\0';
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: walk_floor TREE UID\n");
        return 2;
    }
    owner = (uid_t)strtoul(argv[2], NULL, 10);
    static char path[4096];
    snprintf(path, sizeof path, "%s", argv[1]);
    int top = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (top < 0) {
        perror(argv[1]);
        return 1;
    }
    struct stat status;
    if (fstat(top, &status) == 0 && status.st_uid != owner)
        puts(path);
    walk(top, path, strlen(path));
    return 0;
}
