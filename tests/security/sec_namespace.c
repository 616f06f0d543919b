/*
 * sec_namespace.c: the shared namespace turned against its users (issue 12,
 * findings 1-3): what the attacker B plants at a registry path or in place
 * of the namespace root, and what the victim (A, or root) must then see.
 *
 * Expected (docs/security, "Trust rules"): a registry path that is a
 * symlink, a hard link, a FIFO, a directory, a socket, or a file that is
 * not the caller's (creators) or that others may write (everybody) is
 * refused with ERROR_ACCESS_DENIED, promptly, and nothing is written to
 * it; a namespace root that is not root's or the caller's (or is a
 * symlink, or world-writable without the sticky bit) refuses every
 * creation with ERROR_ACCESS_DENIED.
 */
#include "seclib.h"

#include <dirent.h>

static const char *const kinds[2] = {"pipe", "mailslot"};

static const char *user_tag(int user)
{
    return user == SEC_ROOT ? "root" : user == SEC_A ? "a" : "b";
}

static struct sec_op create_op(int kind, const char *name, const char *attack)
{
    struct sec_op o = {kind ? SEC_OP_SLOT_CREATE : SEC_OP_PIPE_CREATE, name,
                       ERROR_ACCESS_DENIED};
    o.attack = attack;
    return o;
}

static struct sec_op open_op(int kind, const char *name, const char *attack)
{
    struct sec_op o = {kind ? SEC_OP_SLOT_OPEN : SEC_OP_PIPE_OPEN, name,
                       ERROR_ACCESS_DENIED};
    o.attack = attack;
    return o;
}

/* victim's CreateNamedPipeA (or CreateMailslotA) and client CreateFileA
 * of name must both fail with ERROR_ACCESS_DENIED. */
static void create_and_open(int victim, int kind, const char *name,
                            const char *attack)
{
    struct sec_op c = create_op(kind, name, attack);
    struct sec_op o = open_op(kind, name, attack);
    sec_victim(victim, &c);
    sec_victim(victim, &o);
}

static void control_fn(void *arg)
{
    (void)arg;
    sec_check_works(0, "control-pipe");
    sec_check_works(1, "control-slot");
}

/* The positive control: pipes and mailslots work for user (here, or in a
 * root it creates: what). */
static void control(int user, const char *what)
{
    sec_run(user, 30, control_fn, NULL, what);
}

/* ---- 1. Symbolic links at a registry path -------------------------------- */

/* B links (how: SEC_PLANT_SYMLINK or SEC_PLANT_HARDLINK) the registry
 * path of victim's name to a 0600 file of victim's; prot: the value of
 * fs.protected_symlinks (-1: unchanged; hard links: not used, the test
 * sets fs.protected_hardlinks to 0).  The victim's file stays
 * untouched. */
static void link_case(int how, int victim, int kind, int prot)
{
    char name[64], target[256], path[640], attack[2048];
    struct sec_plant p = {how};

    if (how == SEC_PLANT_SYMLINK)
        snprintf(name, sizeof name, "sym-%s-%s-%d", user_tag(victim),
                 kinds[kind], prot < 0 ? 9 : prot);
    else
        snprintf(name, sizeof name, "hard-%s-%s", user_tag(victim),
                 kinds[kind]);
    snprintf(target, sizeof target, "%s/target-%s", sec_scratch, name);
    snprintf(path, sizeof path, "%s", sec_reg_path(kinds[kind], name));
    if (sec_make_target(target, victim, 0600, 8192))
        return;
    p.path = path;
    p.target = target;
    if (how == SEC_PLANT_SYMLINK)
        snprintf(attack, sizeof attack,
                 "B symlinked %s to %s's 0600 file %s; "
                 "fs.protected_symlinks=%d",
                 path, sec_users[victim].name, target, prot);
    else
        snprintf(attack, sizeof attack,
                 "B hard-linked %s's 0600 file %s at %s; "
                 "fs.protected_hardlinks=0",
                 sec_users[victim].name, target, path);
    if (sec_plant(&p))
        return;
    create_and_open(victim, kind, name, attack);
    sec_check_target(target, victim, 0600, 8192, attack);
}

static void test_symlink_at_registry_path(void)
{
    for (int prot = 0; prot <= 1; prot++) {
        int used = prot;
        if (sec_sysctl_set("protected_symlinks", prot) != 0) {
            printf("note: cannot set fs.protected_symlinks: running with the "
                   "current value\n");
            if (prot == 1)
                break;
            used = -1;
        }
        for (int victim = SEC_ROOT; victim <= SEC_A; victim++)
            for (int kind = 0; kind < 2; kind++)
                link_case(SEC_PLANT_SYMLINK, victim, kind, used);
    }
    sec_sysctl_restore();
    control(SEC_A, "control");
}

/* ---- 2. A registry file the attacker made first
 * --------------------------------- */

static void precreated_case(int victim, int kind, mode_t mode)
{
    char name[64], path[640], attack[2048];
    struct sec_plant p = {SEC_PLANT_FILE};
    struct sec_op c, o;

    snprintf(name, sizeof name, "pre-%s-%s-%o", user_tag(victim), kinds[kind],
             (unsigned)mode);
    snprintf(path, sizeof path, "%s", sec_reg_path(kinds[kind], name));
    p.path = path;
    p.mode = mode;
    snprintf(attack, sizeof attack,
             "B created an empty %04o file at %s before %s's %s",
             (unsigned)mode, path, sec_users[victim].name,
             kind ? "CreateMailslotA" : "CreateNamedPipeA");
    if (sec_plant(&p))
        return;
    c = create_op(kind, name, attack);
    sec_victim(victim, &c);
    /* A client: a file others may write is refused; B's read-only empty
     * file is no pipe or mailslot (any error, never a connection). */
    o = open_op(kind, name, attack);
    if (!(mode & 022))
        o.expect = 0;
    sec_victim(victim, &o);
    sec_check_planted(&p, attack);
}

static void test_precreated_registry(void)
{
    precreated_case(SEC_A, 0, 0666);
    precreated_case(SEC_A, 1, 0666);
    precreated_case(SEC_A, 0, 0644);
    precreated_case(SEC_A, 1, 0644);
    precreated_case(SEC_ROOT, 0, 0666);
    precreated_case(SEC_ROOT, 1, 0666);
    control(SEC_A, "control");
}

/* ---- 3. Untrusted namespace roots
 * ---------------------------------------------- */

static void use_root(const char *sub)
{
    snprintf(sec_root, sizeof sec_root, "%s/%s", sec_scratch, sub);
    setenv("WINIPC_ROOT", sec_root, 1);
}

/* Fails if dir has any entry (a victim wrote into an untrusted root). */
static void check_dir_empty(const char *dir, const char *attack)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    test_checks++;
    if (!d)
        return;
    while ((e = readdir(d))) {
        struct stat st;
        char p[1024];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0)
            TEST_FAIL_AT("a victim created %s (owner uid %u) in the untrusted "
                         "namespace root (%s)",
                         p, (unsigned)st.st_uid, attack);
    }
    closedir(d);
}

struct mkroot {
    const char *path, *target;
    mode_t mode;
    int kind; /* SEC_PLANT_DIR, _SYMLINK, _FILE */
};

static void mkroot_fn(void *arg)
{
    const struct mkroot *m = arg;
    int r;
    if (m->kind == SEC_PLANT_SYMLINK)
        r = symlink(m->target, m->path);
    else if (m->kind == SEC_PLANT_FILE)
        r = close(open(m->path, O_CREAT | O_EXCL | O_WRONLY, m->mode));
    else
        r = mkdir(m->path, 0700) || chmod(m->path, m->mode);
    test_checks++;
    if (r)
        TEST_FAIL_AT("cannot make %s: %s", m->path, strerror(errno));
}

/* Every creation fails with ERROR_ACCESS_DENIED, for A and for root;
 * clients too if all_ops (a root nobody may trust at all). */
static void untrusted_root_case(const char *sub, int maker, int kind,
                                mode_t mode, int all_ops, const char *attack)
{
    char real[256];
    struct mkroot m = {NULL, NULL, mode, kind};

    use_root(sub);
    m.path = sec_root;
    if (kind == SEC_PLANT_SYMLINK) {
        /* A sound root (root's, 01777) behind the link: only the link is
         * wrong. */
        snprintf(real, sizeof real, "%s/real-%s", sec_scratch, sub);
        if (mkdir(real, 01777) < 0 || chmod(real, 01777) < 0) {
            TEST_FAIL_AT("mkdir %s: %s", real, strerror(errno));
            return;
        }
        m.target = real;
    }
    if (sec_run(maker, 20, mkroot_fn, &m, "makes the namespace root"))
        return;
    for (int victim = SEC_ROOT; victim <= SEC_A; victim++)
        for (int k = 0; k < 2; k++) {
            char name[64];
            struct sec_op c, o;
            snprintf(name, sizeof name, "dir-%s-%s", user_tag(victim),
                     kinds[k]);
            c = create_op(k, name, attack);
            sec_victim(victim, &c);
            if (all_ops) {
                o = open_op(k, name, attack);
                sec_victim(victim, &o);
            }
        }
    check_dir_empty(kind == SEC_PLANT_SYMLINK ? real : sec_root, attack);
}

struct root_expect {
    int user;
    mode_t mode;
};

static void check_root_made(const char *who, uid_t uid, mode_t mode)
{
    struct stat st;
    test_checks++;
    if (lstat(sec_root, &st) < 0)
        TEST_FAIL_AT("%s: the namespace root %s was not created", who,
                     sec_root);
    else if (!S_ISDIR(st.st_mode) || st.st_uid != uid ||
             (st.st_mode & 07777) != mode)
        TEST_FAIL_AT("%s: the namespace root it created is owner %u mode "
                     "%04o; expected owner %u mode %04o",
                     who, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                     (unsigned)uid, (unsigned)mode);
}

static void test_untrusted_roots(void)
{
    untrusted_root_case("ns-b-1777", SEC_B, SEC_PLANT_DIR, 01777, 0,
                        "B made the namespace root first, mode 01777");
    untrusted_root_case("ns-b-0755", SEC_B, SEC_PLANT_DIR, 0755, 0,
                        "B made the namespace root first, mode 0755");
    untrusted_root_case("ns-b-link", SEC_B, SEC_PLANT_SYMLINK, 0, 1,
                        "the namespace root is B's symlink to a root-owned "
                        "01777 directory");
    untrusted_root_case("ns-root-link", SEC_ROOT, SEC_PLANT_SYMLINK, 0, 1,
                        "the namespace root is root's symlink to a "
                        "root-owned 01777 directory");
    untrusted_root_case("ns-root-0777", SEC_ROOT, SEC_PLANT_DIR, 0777, 1,
                        "the namespace root is root's, mode 0777 (no sticky "
                        "bit)");
    untrusted_root_case("ns-b-file", SEC_B, SEC_PLANT_FILE, 0644, 1,
                        "the namespace root is B's regular file");

    /* Controls: an absent root is created, and then used, by its first
     * user: root's 01777; another user's 0755, where B may create nothing. */
    use_root("ns-made-by-root");
    control(SEC_ROOT, "control in a root it creates");
    check_root_made("root", 0, 01777);
    use_root("ns-made-by-a");
    control(SEC_A, "control in a root it creates");
    check_root_made("A", sec_users[SEC_A].uid, 0755);
    {
        struct sec_op c = create_op(0, "in-a-namespace",
                                    "B creates a pipe in A's namespace root");
        struct sec_op s = create_op(1, "in-a-namespace",
                                    "B creates a mailslot in A's namespace "
                                    "root");
        sec_victim(SEC_B, &c);
        sec_victim(SEC_B, &s);
    }
}

/* ---- 9. Hard links
 * ------------------------------------------------------------- */

/* The cases are link_case's (section 1). */
static void test_hardlink_at_registry_path(void)
{
    if (sec_sysctl_set("protected_hardlinks", 0) != 0) {
        printf("note: cannot set fs.protected_hardlinks to 0: B cannot link "
               "others' files; nothing to test\n");
        return;
    }
    link_case(SEC_PLANT_HARDLINK, SEC_ROOT, 1, 0);
    link_case(SEC_PLANT_HARDLINK, SEC_ROOT, 0, 0);
    link_case(SEC_PLANT_HARDLINK, SEC_A, 0, 0);
    link_case(SEC_PLANT_HARDLINK, SEC_A, 1, 0);
    sec_sysctl_restore();
    control(SEC_A, "control");
}

/* ---- 10. A FIFO, a directory, a socket at a registry path
 * ----------------------- */

static void special_case(int kind, int what, mode_t mode)
{
    char name[64], path[640], attack[2048];
    struct sec_plant p = {what};

    snprintf(name, sizeof name, "special-%s-%d-%o", kinds[kind], what,
             (unsigned)mode);
    snprintf(path, sizeof path, "%s", sec_reg_path(kinds[kind], name));
    p.path = path;
    p.mode = mode;
    snprintf(attack, sizeof attack, "B made a %s (mode %04o) at %s",
             sec_plant_kind(what), (unsigned)mode, path);
    if (sec_plant(&p))
        return;
    create_and_open(SEC_A, kind, name, attack);
    if (kind == 0) {
        struct sec_op w = {SEC_OP_PIPE_WAIT, name, 0};
        w.attack = attack;
        sec_victim(SEC_A, &w);
    }
    sec_check_planted(&p, attack);
}

static void test_special_files_at_registry_path(void)
{
    for (int kind = 0; kind < 2; kind++) {
        special_case(kind, SEC_PLANT_FIFO, 0666);
        special_case(kind, SEC_PLANT_FIFO, 0644);
        special_case(kind, SEC_PLANT_DIR, 0777);
        special_case(kind, SEC_PLANT_SOCKET, 0777);
    }
    control(SEC_A, "control");
}

int main(void)
{
    sec_init();
    SEC_RUN(test_symlink_at_registry_path);
    SEC_RUN(test_precreated_registry);
    SEC_RUN_NOROOT(test_untrusted_roots);
    SEC_RUN(test_hardlink_at_registry_path);
    SEC_RUN(test_special_files_at_registry_path);
    return sec_summary();
}
