/*
 * environ.h: the process's own environment, as Windows keeps it.
 *
 * The store is a list of "name=value" strings copied from the C library's
 * `environ` the first time any function here is called; after that it is
 * private to winipc and never touches `environ` again (glibc's setenv is not
 * thread-safe, so the store does not use it).  Every function is safe to call
 * from any thread: one mutex guards the store.
 *
 * Names follow Windows: they compare case-insensitively (ASCII), an exact-case
 * match is preferred when the inherited Linux environment holds several
 * spellings of one name, and the name of an entry ends at its first '=' after
 * the first character (so "=C:=C:\\x" names "=C:").  A name may not be empty
 * and may contain '=' only as its first character.
 */
#ifndef WIPC_ENVIRON_H
#define WIPC_ENVIRON_H

#include <stddef.h>

#include <windows.h>

/*
 * Looks name up.  On success *len is the length of its value (without the
 * NUL); if size > *len the value and its NUL are copied to buf, otherwise buf
 * is left untouched (buf may be NULL when size is 0).  The copy is made under
 * the lock, so it is never a torn value.  Returns ERROR_ENVVAR_NOT_FOUND if
 * there is no such variable (or name is NULL, empty or not a valid name), or
 * ERROR_NOT_ENOUGH_MEMORY if the store could not be loaded.
 */
DWORD wipc_env_get(const char *name, char *buf, size_t size, size_t *len);

/*
 * Sets name to value, or deletes it when value is NULL (deleting a variable
 * that does not exist succeeds).  Replacing a variable keeps its position and
 * takes the spelling of name; a new variable goes to the end.  Returns
 * ERROR_INVALID_PARAMETER for an empty name or one with '=' after its first
 * character, ERROR_ENVVAR_NOT_FOUND for a NULL name, ERROR_NOT_ENOUGH_MEMORY.
 * On failure the store is unchanged.
 */
DWORD wipc_env_set(const char *name, const char *value);

/*
 * Replaces the whole environment with the entries of block
 * ("k=v\0k=v\0...\0\0"; "\0" alone empties it), as
 * SetEnvironmentStrings does: every entry must have a name (a '=' after
 * its first character), else ERROR_INVALID_PARAMETER and nothing changes;
 * a name given twice (in any case) keeps its first place and takes the
 * later entry.  block is not changed.  ERROR_INVALID_PARAMETER for NULL,
 * ERROR_NOT_ENOUGH_MEMORY (nothing changed).
 */
DWORD wipc_env_replace(const char *block);

/*
 * A freshly malloc'ed copy of the environment block: "k=v\0k=v\0...\0\0"
 * (an empty environment gives "\0\0").  *size, if not NULL, is the block's
 * size in bytes including the final NUL.  The caller frees it with free().
 * Returns ERROR_NOT_ENOUGH_MEMORY on failure (*block is then NULL).
 */
DWORD wipc_env_block(char **block, size_t *size);

/*
 * A snapshot of the environment as a NULL-terminated "k=v" array suitable for
 * execve(2), so that a child process sees what SetEnvironmentVariableA set.
 * The array and its strings are one allocation: release it with
 * wipc_env_snapshot_free (never free the strings one by one).  Returns
 * ERROR_NOT_ENOUGH_MEMORY on failure (*envp is then NULL).
 */
DWORD wipc_env_snapshot(char ***envp);

/* Releases a snapshot from wipc_env_snapshot; NULL is a no-op. */
void wipc_env_snapshot_free(char **envp);

/*
 * Expands %NAME% references in src with the values of those variables, as
 * ExpandEnvironmentStrings does: names compare case-insensitively, a
 * reference to an unknown variable (or an empty one, "%%") is copied
 * unchanged and scanning resumes after its closing '%', and a '%' without a
 * closing '%' is copied as is.  Values are not expanded again.  The whole
 * expansion sees one consistent state of the store.  *out receives a
 * malloc'ed NUL-terminated result (free it with free()) and *len its length
 * without the NUL.  src NULL expands like "".  Returns
 * ERROR_NOT_ENOUGH_MEMORY on failure (*out is then NULL).
 */
DWORD wipc_env_expand(const char *src, char **out, size_t *len);

/* A variable's value in an expansion: bytes [off, off + len) of *out. */
struct wipc_env_piece {
    size_t off, len;
};

/*
 * wipc_env_expand, and where in *out each variable's value was put: a
 * malloc'ed array in *values (free it with free(); NULL when there is
 * none), *nvalues entries, in order.  What lies between them is the text of
 * src.  On failure nothing is returned.
 */
DWORD wipc_env_expand_values(const char *src, char **out, size_t *len,
                             struct wipc_env_piece **values, size_t *nvalues);

#endif /* WIPC_ENVIRON_H */
