/*
 * tchar.h: generic-text mappings for a build without _UNICODE, where TCHAR
 * is char and every _t name is its narrow C library function.
 */
#ifndef WINIPC_TCHAR_H
#define WINIPC_TCHAR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _TCHAR_DEFINED
#define _TCHAR_DEFINED
typedef char TCHAR, _TCHAR;
#endif

#define _T(x) x
#define _TEXT(x) x
#ifndef TEXT
#define TEXT(x) x
#endif

#define _tmain main
#define _tprintf printf
#define _ftprintf fprintf
#define _stprintf sprintf
#define _sntprintf snprintf
#define _vtprintf vprintf
#define _vftprintf vfprintf
#define _vstprintf vsprintf
#define _tscanf scanf
#define _ftscanf fscanf
#define _stscanf sscanf
#define _fgetts fgets
#define _fputts fputs
#define _puttc putc
#define _puttchar putchar
#define _gettc getc
#define _gettchar getchar
#define _tfopen fopen
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp strcasecmp
#define _tcsnicmp strncasecmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcstok strtok
#define _tcsdup strdup
#define _tcstol strtol
#define _tcstoul strtoul
#define _ttoi atoi
#define _ttol atol
#define _tgetenv getenv
#define _tsystem system

#endif /* WINIPC_TCHAR_H */
