/* tools/peakrss.c: runs a command and prints its peak resident set size.
 *
 *   peakrss COMMAND [ARG...]    prints "peak_rss_kib N" on stderr
 *
 * /usr/bin/time -v reports ru_maxrss, and Linux counts the time between
 * fork and exec in it, so a small static program shows GNU time's own size
 * (about 450 KiB here); ru_maxrss is also updated lazily, in batches of
 * pages, so for a process this small it can even read 0. This launcher
 * stops the command at its exit (ptrace's exit event) and reads VmHWM,
 * the peak the kernel recorded for the command's own address space, from
 * /proc/PID/status. Benchmark use only. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static long vm_hwm(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			sscanf(line + 6, "%ld", &kib);
	fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	long peak = -1;
	int status;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: peakrss COMMAND [ARG...]\n", stderr);
		return 64;
	}
	pid = fork();
	if (pid < 0)
		return 71;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	/* The child stops at exec; ask to be told when it exits. */
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		return 71;
	ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)PTRACE_O_TRACEEXIT);
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (;;) {
		if (waitpid(pid, &status, 0) < 0)
			return 71;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (WIFSTOPPED(status) && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			peak = vm_hwm(pid);
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		/* Pass other signals on. */
		ptrace(PTRACE_CONT, pid, 0,
		       (void *)(long)(WIFSTOPPED(status) ? WSTOPSIG(status) : 0));
	}
	fprintf(stderr, "peak_rss_kib %ld\n", peak);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
