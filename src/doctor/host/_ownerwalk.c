/* doctor.host._ownerwalk: the ownership walk's full walk in C (doctor.host.owner_native).
 *
 * The same walk as doctor.host.owner_walk._Walk.directory, folder for folder: open the folder by
 * its path (O_NOFOLLOW), list it, skip the excluded names, lstat() every other entry relative to
 * the folder's fd, and record the strays, the subfolders still to walk, the unreadable folders,
 * the folders holding an excluded entry and (with a cache) each folder's stamp and the names a
 * warm walk looks at again. Only the per-entry work moves to C: an lstat() costs the kernel
 * ~1.3 µs here, and Python's call around it as much again; GNU find (owner_find) avoids that but
 * adds its own process, its printf per entry and a parse of its output.
 *
 * walk(pending, uid, names, paths, prefix, caching, racy, room, seconds,
 *      strays, unreadable, excluded_in, entries[, unchecked]) -> count
 *   pending      list of str folder paths, popped from its end (depth first); subfolders are
 *                appended to it; the walk stops after the first folder it ends `seconds` or
 *                more after it started (the rest stays in `pending`, for the caller's progress
 *                line, its test for a walk waiting on I/O, and its next call). Within a call the
 *                folders are walked in batches without the GIL: LOAD of `pending`'s last folders
 *                go onto a stack of C strings with the subfolders found, and what a batch finds
 *                is kept as records until it ends (the deadline, RECORDS_LIMIT bytes of records,
 *                its share of `room` spent, an empty stack), when the GIL is taken once to make
 *                them Python objects: a thread of the walk never waits for the GIL per folder
 *                while Python code runs beside it (doctor.host.owner_early's walk)
 *   names/paths  tuples of bytes: exclude globs over the entry's name / over its path relative
 *                to the project (`prefix` bytes of a folder's path are the project's own),
 *                matched with fnmatch(3) with no flags, as GNU find's -name and -path do (the
 *                caller passes none that C's fnmatch and Python's fnmatch read differently)
 *   caching      whether to stamp folders (fstat of the open fd) into `entries` while `room` (a
 *                list holding one int, which every thread's call counts down) lasts;
 *                a folder with an mtime or ctime (ns) at `racy` or later gets no stamp
 *   strays ...   the lists and the dict the walk appends to, as _Walk's
 *   unchecked    optional, a set: a subfolder the listing's d_type names is not lstat()ed there
 *                but put in it, and its owner is checked when it is opened (its fstat), or
 *                lstat()ed where that fails; a folder of `pending` in it is checked so. Without
 *                it every entry is lstat()ed where it is listed, as _Walk does (a caller that may
 *                hand `pending` to the Python walk passes none)
 * Returns the entries listed by this call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef O_DIRECTORY
#define O_DIRECTORY 0
#endif
#ifdef DT_DIR
#define LISTED_DIR(type) ((type) == DT_DIR)
#else
#define LISTED_DIR(type) 0  /* no d_type: every entry lstat()ed where it is listed */
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

#ifdef __APPLE__
#define MTIME(st) ((st).st_mtimespec)
#define CTIME(st) ((st).st_ctimespec)
#else
#define MTIME(st) ((st).st_mtim)
#define CTIME(st) ((st).st_ctim)
#endif

/* open() refuses a path of this many bytes or more (ENAMETOOLONG): such a folder is unreadable */
#define PATH_LIMIT 4096

typedef struct {
    char *data;
    size_t size, capacity;
} Buffer;

/* PyMem_Raw*: the listing runs without the GIL; -1 out of memory (the caller raises) */
static int reserve(Buffer *buffer, size_t more) {
    if (buffer->size + more <= buffer->capacity)
        return 0;
    size_t capacity = buffer->capacity ? buffer->capacity : 4096;
    while (capacity < buffer->size + more)
        capacity *= 2;
    char *data = PyMem_RawRealloc(buffer->data, capacity);
    if (data == NULL)
        return -1;
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

/* the names of an open folder (. and .. left out), each after its d_type byte and before a NUL, in
 * `names`: -1 with errno set,
 * -2 out of memory. On Linux straight from getdents64 (what readdir reads, without the dup,
 * fdopendir, rewind and close around it: four system calls a folder) */
#ifdef __linux__
#include <sys/syscall.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int list_names(int fd, Buffer *names, Py_ssize_t *count) {
    char buffer[32768] __attribute__((aligned(8)));
    names->size = 0;
    *count = 0;
    for (;;) {
        long got = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        for (long at = 0; at < got;) {
            struct linux_dirent64 *entry = (struct linux_dirent64 *)(buffer + at);
            at += entry->d_reclen;
            const char *name = entry->d_name;
            if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
                continue;
            size_t length = strlen(name) + 1;
            if (reserve(names, length + 1) < 0)
                return -2;
            names->data[names->size] = (char)entry->d_type;
            memcpy(names->data + names->size + 1, name, length);
            names->size += length + 1;
            ++*count;
        }
    }
}
#else
static int list_names(int fd, Buffer *names, Py_ssize_t *count) {
    int copy = dup(fd);
    if (copy < 0)
        return -1;
    DIR *folder = fdopendir(copy);
    if (folder == NULL) {
        int saved = errno;
        close(copy);
        errno = saved;
        return -1;
    }
    rewinddir(folder);
    names->size = 0;
    *count = 0;
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir(folder);
        if (entry == NULL) {
            int saved = errno;
            closedir(folder);
            errno = saved;
            return saved ? -1 : 0;
        }
        const char *name = entry->d_name;
        if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
            continue;
        size_t length = strlen(name) + 1;
        if (reserve(names, length + 1) < 0) {
            closedir(folder);
            return -2;
        }
#ifdef DT_DIR
        names->data[names->size] = (char)entry->d_type;
#else
        names->data[names->size] = 0;  /* DT_UNKNOWN: every entry lstat()ed */
#endif
        memcpy(names->data + names->size + 1, name, length);
        names->size += length + 1;
        ++*count;
    }
}
#endif

typedef struct {
    const char **items;
    Py_ssize_t count;
} Globs;

static int excluded(const Globs *globs, const char *text) {
    for (Py_ssize_t i = 0; i < globs->count; i++)
        if (fnmatch(globs->items[i], text, 0) == 0)
            return 1;
    return 0;
}

static int append_new(PyObject *list, PyObject *item) {  /* steals `item` */
    if (item == NULL)
        return -1;
    int failed = PyList_Append(list, item);
    Py_DECREF(item);
    return failed;
}

/* an entry the listing keeps: a stray or a subfolder (its name at `name` in the listing) */
typedef struct {
    size_t name;
    unsigned long uid, gid;
    int is_dir, stray, deferred;
} Kept;

/* an open folder whose subfolders the walk may still open relative to it: the folders walked
 * depth first from the last one opened by path, at most CHAIN of them (one fd each) */
#define CHAIN 32
typedef struct {
    int fd;
    size_t length;
    char *path;
} Link;

typedef struct {
    unsigned long uid;
    Globs names, paths;
    Link chain[CHAIN];
    int depth;
    Py_ssize_t prefix;
    int caching;
    long long racy;
    PyObject *room;  /* a list holding one int: the cache items left, shared by every thread */
    PyObject *pending, *strays, *unreadable, *excluded_in, *entries;
    PyObject *unchecked;  /* a set, or NULL: subfolders whose owner their own open checks */
    Buffer listed, path, kept, again;
} Walk;

/* what the listing of one folder found, made without the GIL */
typedef struct {
    int opened, unreadable, skipped, stamped, nomemory;
    int owned;  /* a deferred folder's owner is known: uid, gid, is_dir */
    unsigned long uid, gid;
    int is_dir;
    unsigned long long ino;
    long long mtime, ctime;
    Py_ssize_t seen, kept;
    size_t base;
} Listing;

/* the length of `link`'s path with the slash after it, when `path` is below it; else 0 */
static size_t below(const Link *link, const char *path, size_t length) {
    size_t cut = link->length;
    if (cut == 0 || cut >= length || memcmp(link->path, path, cut) != 0)
        return 0;
    if (link->path[cut - 1] != '/') {
        if (path[cut] != '/')
            return 0;
        cut++;
    }
    return cut < length ? cut : 0;
}

static void unchain(Walk *walk) {
    Link *top = &walk->chain[--walk->depth];
    close(top->fd);
    PyMem_RawFree(top->path);
}

/* a folder opened as _Walk.directory opens it (O_NOFOLLOW: never through a symlink put there since
 * it was listed), relative to its parent's fd where that is still open: one name looked up, not
 * every one of its path; kept open itself (in the chain) for its own subfolders */
static int open_folder(Walk *walk, const char *path, size_t length) {
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    size_t cut = 0;
    while (walk->depth > 0 && !(cut = below(&walk->chain[walk->depth - 1], path, length)))
        unchain(walk);  /* done with that folder's subtree */
    int fd = cut && !strchr(path + cut, '/') ? openat(walk->chain[walk->depth - 1].fd, path + cut, flags)
                                             : open(path, flags);
    if (fd < 0 && (errno == EMFILE || errno == ENFILE) && walk->depth > 0) {
        while (walk->depth > 0)  /* out of fds (a low limit, many threads): the chain's go first */
            unchain(walk);
        fd = open(path, flags);
    }
    if (fd < 0 || walk->depth == CHAIN)
        return fd;
    char *copy = PyMem_RawMalloc(length + 1);
    if (copy == NULL)
        return fd;  /* not kept: its subfolders are opened by their paths */
    memcpy(copy, path, length + 1);
    walk->chain[walk->depth++] = (Link){fd, length, copy};
    return fd;
}

/* closes `fd` unless the chain keeps it */
static void release(Walk *walk, int fd) {
    if (walk->depth == 0 || walk->chain[walk->depth - 1].fd != fd)
        close(fd);
}

/* seconds and nanoseconds as one count of nanoseconds; 0 where it does not fit in 64 bits */
static int nanoseconds(long long seconds, long nanos, long long *out) {
    if (seconds > LLONG_MAX / 1000000000LL - 1 || seconds < LLONG_MIN / 1000000000LL + 1)
        return 0;
    *out = seconds * 1000000000LL + nanos;
    return 1;
}

/* open, stamp and list one folder and lstat its entries: system calls only, no Python object */
static void list_folder(Walk *walk, const char *path, size_t length, int deferred, Listing *out) {
    memset(out, 0, sizeof *out);
    walk->kept.size = 0;
    int fd = length >= PATH_LIMIT || strlen(path) != length ? -1 : open_folder(walk, path, length);
    if (fd < 0) {
        /* a subfolder whose owner its parent left to this open: lstat() it (as the parent's
         * listing would have); gone, or not even that possible (a parent listable but not
         * searchable, already unreadable itself): never seen, as the Python walk never saw it */
        struct stat info;
        if (deferred && length < PATH_LIMIT && lstat(path, &info) == 0) {
            out->owned = 1;
            out->uid = (unsigned long)info.st_uid;
            out->gid = (unsigned long)info.st_gid;
            out->is_dir = S_ISDIR(info.st_mode);
        } else if (deferred) {
            out->opened = -1;
        }
        return;
    }
    out->opened = 1;
    if (walk->caching || deferred) {
        struct stat info;
        if (fstat(fd, &info) == 0) {
            /* a time past 64-bit nanoseconds (before 1677, after 2262) is no stamp: listed in full */
            int fits = nanoseconds(MTIME(info).tv_sec, MTIME(info).tv_nsec, &out->mtime)
                       && nanoseconds(CTIME(info).tv_sec, CTIME(info).tv_nsec, &out->ctime);
            out->ino = (unsigned long long)info.st_ino;
            out->stamped = walk->caching && fits && out->mtime < walk->racy && out->ctime < walk->racy;
            out->owned = deferred;
            out->uid = (unsigned long)info.st_uid;
            out->gid = (unsigned long)info.st_gid;
            out->is_dir = 1;
        } else if (deferred && lstat(path, &info) == 0) {
            out->owned = 1;
            out->uid = (unsigned long)info.st_uid;
            out->gid = (unsigned long)info.st_gid;
            out->is_dir = S_ISDIR(info.st_mode);
        }
    }
    int listed = list_names(fd, &walk->listed, &out->seen);
    if (listed < 0) {
        out->nomemory = listed == -2;
        out->unreadable = listed == -1;
        out->seen = 0;
        release(walk, fd);
        return;
    }
    /* the path buffer: the folder's path and a slash, then each name in turn */
    walk->path.size = 0;
    if (reserve(&walk->path, length + 2) < 0) {
        out->nomemory = 1;
        release(walk, fd);
        return;
    }
    memcpy(walk->path.data, path, length);
    size_t base = length;
    if (base == 0 || walk->path.data[base - 1] != '/')
        walk->path.data[base++] = '/';
    out->base = base;
    size_t relative = base < (size_t)walk->prefix ? base : (size_t)walk->prefix;
    int probed = 0;
    for (size_t at = 0; at < walk->listed.size;) {
        unsigned char type = (unsigned char)walk->listed.data[at];
        const char *name = walk->listed.data + at + 1;
        size_t offset = at + 1, size = strlen(name);
        at += size + 2;
        if (walk->names.count && excluded(&walk->names, name)) {
            out->skipped = 1;
            continue;
        }
        if (walk->paths.count) {
            if (reserve(&walk->path, base + size + 1) < 0) {
                out->nomemory = 1;
                break;
            }
            memcpy(walk->path.data + base, name, size + 1);
            if (excluded(&walk->paths, walk->path.data + relative)) {
                out->skipped = 1;
                continue;
            }
        }
        /* a subfolder (the listing's d_type says so) is not lstat()ed here: its own open and
         * fstat() tell its owner, one look-up of its name where this would make two. Once one
         * entry here was: a folder that can be listed but not searched is unreadable, as in
         * _Walk, even where it holds only folders */
        int defer = walk->unchecked != NULL && probed && LISTED_DIR(type) && base + size < PATH_LIMIT;
        struct stat info;
        if (!defer && fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)  /* deleted since it was listed (a container at work) */
                continue;
            out->unreadable = 1;  /* as _Walk: the folder is unreadable, what it found so far kept */
            break;
        }
        probed = 1;
        int is_dir = defer || S_ISDIR(info.st_mode), stray = !defer && (unsigned long)info.st_uid != walk->uid;
        if (!stray && !is_dir)
            continue;
        if (reserve(&walk->kept, sizeof(Kept)) < 0) {
            out->nomemory = 1;
            break;
        }
        Kept *kept = (Kept *)(walk->kept.data + walk->kept.size);
        kept->name = offset;
        kept->uid = defer ? 0 : (unsigned long)info.st_uid;
        kept->gid = defer ? 0 : (unsigned long)info.st_gid;
        kept->is_dir = is_dir;
        kept->stray = stray;
        kept->deferred = defer;
        walk->kept.size += sizeof(Kept);
        out->kept++;
    }
    release(walk, fd);
}

/* what a batch of folders found, kept as records in one buffer until the GIL is held again: each
 * a Record, then its path's bytes and a NUL, then (an entry) its names, each before a NUL */
typedef struct {
    char tag;  /* STRAY, UNREADABLE, EXCLUDED_IN (a folder holding an excluded entry) or ENTRY */
    int is_dir, skipped;
    unsigned long uid, gid;
    unsigned long long ino;
    long long mtime, ctime;
    Py_ssize_t seen, names;
    size_t length, extra;  /* the path's bytes; an entry's names' bytes, their NULs included */
} Record;

enum { STRAY = 'S', UNREADABLE = 'U', EXCLUDED_IN = 'X', ENTRY = 'E' };

/* a folder still to walk, on the batch's stack: its path, a NUL, then this */
typedef struct {
    size_t length;
    int deferred;  /* its owner is checked when it is opened (see `unchecked`) */
} Pending;

typedef struct {
    Buffer stack, records, folder;
    Py_ssize_t room;  /* cache items this batch may still use (its share of `room`'s) */
    Py_ssize_t count;
} Batch;

static int put_record(Buffer *records, const Record *record, const char *path, const char *extra) {
    size_t need = sizeof *record + record->length + 1 + record->extra;
    if (reserve(records, need) < 0)
        return -1;
    char *at = records->data + records->size;
    memcpy(at, record, sizeof *record);
    memcpy(at + sizeof *record, path, record->length);
    at[sizeof *record + record->length] = 0;
    if (record->extra)
        memcpy(at + sizeof *record + record->length + 1, extra, record->extra);
    records->size += need;
    return 0;
}

static int push_pending(Buffer *stack, const char *path, size_t length, int deferred) {
    Pending item = {length, deferred};
    if (reserve(stack, length + 1 + sizeof item) < 0)
        return -1;
    memcpy(stack->data + stack->size, path, length);
    stack->data[stack->size + length] = 0;
    memcpy(stack->data + stack->size + length + 1, &item, sizeof item);
    stack->size += length + 1 + sizeof item;
    return 0;
}

/* pops the stack's top: its path stays at the returned offset until the next push */
static size_t pop_pending(Buffer *stack, Pending *item) {
    memcpy(item, stack->data + stack->size - sizeof *item, sizeof *item);
    stack->size -= sizeof *item + item->length + 1;
    return stack->size;
}

/* one folder, as _Walk.directory, without the GIL (other threads walk on meanwhile, and the
 * run's Python code beside a walk started early): its strays, entry and the rest as records, its
 * subfolders onto the stack; -1 out of memory */
static int batch_folder(Walk *walk, Batch *batch, const char *path, size_t length, int deferred) {
    Listing out;
    list_folder(walk, path, length, deferred, &out);
    if (out.nomemory)
        return -1;
    if (out.opened < 0)
        return 0;
    if (out.owned && out.uid != walk->uid) {
        Record own = {.tag = STRAY, .uid = out.uid, .gid = out.gid, .is_dir = out.is_dir, .length = length};
        if (put_record(&batch->records, &own, path, NULL) < 0)
            return -1;
    }
    if (!out.opened) {
        Record unreadable = {.tag = UNREADABLE, .length = length};
        return put_record(&batch->records, &unreadable, path, NULL);
    }
    batch->count += out.seen;
    walk->again.size = 0;  /* the names a warm walk looks at again, each before a NUL */
    for (Py_ssize_t i = 0; i < out.kept; i++) {
        const Kept *kept = (const Kept *)walk->kept.data + i;
        const char *name = walk->listed.data + kept->name;
        size_t size = strlen(name);
        if (reserve(&walk->path, out.base + size + 1) < 0 || reserve(&walk->again, size + 1) < 0)
            return -1;
        memcpy(walk->path.data + out.base, name, size + 1);
        memcpy(walk->again.data + walk->again.size, name, size + 1);
        walk->again.size += size + 1;
        Record stray = {.tag = STRAY, .uid = kept->uid, .gid = kept->gid, .is_dir = kept->is_dir,
                        .length = out.base + size};
        if (kept->stray && put_record(&batch->records, &stray, walk->path.data, NULL) < 0)
            return -1;
        if (kept->is_dir && push_pending(&batch->stack, walk->path.data, out.base + size, kept->deferred) < 0)
            return -1;
    }
    if (!out.unreadable && out.stamped && batch->room > 0) {
        batch->room -= 1 + out.kept;
        Record entry = {.tag = ENTRY, .ino = out.ino, .mtime = out.mtime, .ctime = out.ctime, .seen = out.seen,
                        .skipped = out.skipped, .names = out.kept, .length = length, .extra = walk->again.size};
        if (put_record(&batch->records, &entry, path, walk->again.data) < 0)
            return -1;
    }
    Record unreadable = {.tag = UNREADABLE, .length = length}, excluded_in = {.tag = EXCLUDED_IN, .length = length};
    if (out.unreadable && put_record(&batch->records, &unreadable, path, NULL) < 0)
        return -1;
    if (out.skipped && put_record(&batch->records, &excluded_in, path, NULL) < 0)
        return -1;
    return 0;
}

/* the batch's records as _Walk's lists and dict hold them, made with the GIL; the buffer emptied */
static int materialize(Walk *walk, Batch *batch) {
    int status = 0;
    for (size_t at = 0; status == 0 && at < batch->records.size;) {
        Record record;
        memcpy(&record, batch->records.data + at, sizeof record);
        const char *path = batch->records.data + at + sizeof record;
        const char *names = path + record.length + 1;
        at += sizeof record + record.length + 1 + record.extra;
        PyObject *text = PyUnicode_DecodeFSDefaultAndSize(path, (Py_ssize_t)record.length);
        if (text == NULL) {
            status = -1;
            break;
        }
        if (record.tag == STRAY) {
            status = append_new(walk->strays, Py_BuildValue("(OkkO)", text, record.uid, record.gid,
                                                            record.is_dir ? Py_True : Py_False));
        } else if (record.tag == UNREADABLE) {
            status = PyList_Append(walk->unreadable, text);
        } else if (record.tag == EXCLUDED_IN) {
            status = PyList_Append(walk->excluded_in, text);
        } else {
            PyObject *again = PyList_New(0), *entry = NULL;
            for (Py_ssize_t i = 0; again != NULL && i < record.names; i++) {
                size_t size = strlen(names);
                if (append_new(again, PyUnicode_DecodeFSDefaultAndSize(names, (Py_ssize_t)size)) < 0)
                    Py_CLEAR(again);
                names += size + 1;
            }
            if (again != NULL)
                entry = Py_BuildValue("((KLL)OnO)", record.ino, record.mtime, record.ctime, again, record.seen,
                                      record.skipped ? Py_True : Py_False);
            status = entry == NULL ? -1 : PyDict_SetItem(walk->entries, text, entry);
            Py_XDECREF(entry);
            Py_XDECREF(again);
        }
        Py_DECREF(text);
    }
    batch->records.size = 0;
    return status;
}

/* the last LOAD folders of `pending` onto the batch's stack, in their order (`pending`'s last on
 * top), with the GIL: each taken out of `unchecked` (its owner is then checked where it is opened) */
#define LOAD 256
static int load(Walk *walk, Batch *batch) {
    Py_ssize_t size = PyList_GET_SIZE(walk->pending), first = size > LOAD ? size - LOAD : 0;
    for (Py_ssize_t i = first; i < size; i++) {
        PyObject *folder = PyList_GET_ITEM(walk->pending, i);
        if (!PyUnicode_Check(folder)) {
            PyErr_SetString(PyExc_TypeError, "pending must hold str paths");
            return -1;
        }
        int deferred = walk->unchecked != NULL ? PySet_Discard(walk->unchecked, folder) : 0;
        if (deferred < 0)
            return -1;
        PyObject *encoded = PyUnicode_EncodeFSDefault(folder);
        if (encoded == NULL)
            return -1;
        int pushed = push_pending(&batch->stack, PyBytes_AS_STRING(encoded), (size_t)PyBytes_GET_SIZE(encoded),
                                  deferred);
        Py_DECREF(encoded);
        if (pushed < 0) {
            PyErr_NoMemory();
            return -1;
        }
    }
    return PyList_SetSlice(walk->pending, first, size, NULL);
}

/* the folders left on the batch's stack back onto `pending`, in their order (the deferred into
 * `unchecked` again), with the GIL */
static int unload(Walk *walk, Batch *batch) {
    PyObject *left = PyList_New(0);
    if (left == NULL)
        return -1;
    int status = 0;
    while (status == 0 && batch->stack.size > 0) {
        Pending item;
        size_t at = pop_pending(&batch->stack, &item);
        PyObject *folder = PyUnicode_DecodeFSDefaultAndSize(batch->stack.data + at, (Py_ssize_t)item.length);
        status = folder == NULL ? -1 : PyList_Append(left, folder);
        if (status == 0 && item.deferred)
            status = PySet_Add(walk->unchecked, folder);
        Py_XDECREF(folder);
    }
    Py_ssize_t size = PyList_GET_SIZE(walk->pending);
    if (status == 0)
        status = PyList_Reverse(left);
    if (status == 0)
        status = PyList_SetSlice(walk->pending, size, size, left);
    Py_DECREF(left);
    return status;
}

/* `room`'s int, or -1 with an error set */
static Py_ssize_t room_left(Walk *walk) {
    PyObject *cell = PyList_GetItem(walk->room, 0);  /* checked: the list is the caller's */
    return cell == NULL ? -1 : PyLong_AsSsize_t(cell);
}

static int set_room(Walk *walk, Py_ssize_t value) {
    PyObject *left = PyLong_FromSsize_t(value);
    return left == NULL ? -1 : PyList_SetItem(walk->room, 0, left);  /* steals `left` */
}

/* the bytes of a tuple of bytes, for fnmatch without the GIL (the tuple outlives the call) */
static int globs_of(PyObject *patterns, Globs *globs, const char *what) {
    if (!PyTuple_Check(patterns)) {
        PyErr_Format(PyExc_TypeError, "%s must be a tuple of bytes", what);
        return -1;
    }
    globs->count = PyTuple_GET_SIZE(patterns);
    globs->items = PyMem_Malloc(sizeof(char *) * (size_t)(globs->count ? globs->count : 1));
    if (globs->items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < globs->count; i++) {
        PyObject *item = PyTuple_GET_ITEM(patterns, i);
        if (!PyBytes_Check(item) || (size_t)PyBytes_GET_SIZE(item) != strlen(PyBytes_AS_STRING(item))) {
            PyErr_Format(PyExc_TypeError, "%s must be a tuple of bytes without NUL", what);
            return -1;
        }
        globs->items[i] = PyBytes_AS_STRING(item);
    }
    return 0;
}

static double now(void) {
    struct timespec clock;
    if (clock_gettime(CLOCK_MONOTONIC, &clock) != 0)
        return 0.0;
    return (double)clock.tv_sec + (double)clock.tv_nsec * 1e-9;
}

/* cache items one batch takes from `room` at a time (what it does not use goes back), and the
 * bytes of records it keeps before it takes the GIL to make them Python objects */
#define GRANT 65536
#define RECORDS_LIMIT (4 << 20)

static PyObject *walk(PyObject *module, PyObject *args) {
    (void)module;
    Walk walk = {0};
    PyObject *names, *paths;
    double seconds;
    PyObject *unchecked = Py_None;
    if (!PyArg_ParseTuple(args, "O!kOOnpLO!dO!O!O!O!|O:walk", &PyList_Type, &walk.pending, &walk.uid, &names,
                          &paths, &walk.prefix, &walk.caching, &walk.racy, &PyList_Type, &walk.room, &seconds,
                          &PyList_Type,
                          &walk.strays, &PyList_Type, &walk.unreadable, &PyList_Type, &walk.excluded_in,
                          &PyDict_Type, &walk.entries, &unchecked))
        return NULL;
    if (PyList_GET_SIZE(walk.room) != 1 || !PyLong_Check(PyList_GET_ITEM(walk.room, 0))) {
        PyErr_SetString(PyExc_TypeError, "room must be a list holding one int");
        return NULL;
    }
    if (unchecked != Py_None && !PySet_CheckExact(unchecked)) {
        PyErr_SetString(PyExc_TypeError, "unchecked must be a set or None");
        return NULL;
    }
    walk.unchecked = unchecked == Py_None ? NULL : unchecked;
    Batch batch = {0};
    int failed = globs_of(names, &walk.names, "names") < 0 || globs_of(paths, &walk.paths, "paths") < 0;
    double deadline = now() + seconds;
    int expired = 0;
    /* batches of folders walked without the GIL, each ended by the deadline, its share of `room`
     * spent, its records' limit or an empty stack (then the next folders of `pending`) */
    while (!failed && !expired) {
        if (batch.stack.size == 0 && (load(&walk, &batch) < 0 || batch.stack.size == 0)) {
            failed = PyErr_Occurred() != NULL;
            break;
        }
        Py_ssize_t left = walk.caching ? room_left(&walk) : 0;
        if (left == -1 && PyErr_Occurred()) {
            failed = 1;
            break;
        }
        batch.room = left > GRANT ? GRANT : left > 0 ? left : 0;
        int more = left > batch.room;  /* room beyond this batch's share: a batch that spends it takes more */
        if (batch.room > 0 && set_room(&walk, left - batch.room) < 0) {
            failed = 1;
            break;
        }
        int nomemory = 0;
        Py_BEGIN_ALLOW_THREADS
        while (batch.stack.size > 0 && batch.records.size < RECORDS_LIMIT && !(more && batch.room <= 0)) {
            Pending item;
            size_t at = pop_pending(&batch.stack, &item);
            if (reserve(&batch.folder, item.length + 1) < 0) {
                nomemory = 1;
                break;
            }
            memcpy(batch.folder.data, batch.stack.data + at, item.length + 1);
            if (batch_folder(&walk, &batch, batch.folder.data, item.length, item.deferred) < 0) {
                nomemory = 1;
                break;
            }
            if (now() >= deadline) {
                expired = 1;
                break;
            }
        }
        Py_END_ALLOW_THREADS
        if (batch.room != 0 || left > 0) {  /* the share's rest back (less, where the last folder overran it) */
            Py_ssize_t now_left = room_left(&walk);
            failed = (now_left == -1 && PyErr_Occurred()) || set_room(&walk, now_left + batch.room) < 0;
            batch.room = 0;
        }
        if (!failed && materialize(&walk, &batch) < 0)
            failed = 1;
        if (!failed && nomemory) {
            PyErr_NoMemory();
            failed = 1;
        }
    }
    if (!failed && unload(&walk, &batch) < 0)
        failed = 1;
    while (walk.depth > 0)
        unchain(&walk);
    PyMem_Free(walk.names.items);
    PyMem_Free(walk.paths.items);
    PyMem_RawFree(walk.listed.data);
    PyMem_RawFree(walk.path.data);
    PyMem_RawFree(walk.kept.data);
    PyMem_RawFree(walk.again.data);
    PyMem_RawFree(batch.stack.data);
    PyMem_RawFree(batch.records.data);
    PyMem_RawFree(batch.folder.data);
    if (failed)
        return NULL;
    return PyLong_FromSsize_t(batch.count);
}

static PyMethodDef methods[] = {
    {"walk", walk, METH_VARARGS, "Walk folders of `pending` (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "doctor.host._ownerwalk", "The ownership walk's full walk in C.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__ownerwalk(void) { return PyModule_Create(&module); }
