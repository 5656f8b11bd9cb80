package dev.discordoo.sharding.manager;

/**
 * Thrown, through {@link ChildProcess#ready()}, when a child process exits before printing
 * its IPC ready line.
 */
public final class ChildProcessExitedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int instanceIndex;

	private final long pid;

	private final int exitCode;

	/**
	 * Create a new exception.
	 * @param instanceIndex the index of the instance the process ran
	 * @param pid the process id
	 * @param exitCode the exit code of the process
	 */
	public ChildProcessExitedException(int instanceIndex, long pid, int exitCode) {
		super("Sharding instance " + instanceIndex + " (pid " + pid + ") exited with code " + exitCode
				+ " before it was ready");
		this.instanceIndex = instanceIndex;
		this.pid = pid;
		this.exitCode = exitCode;
	}

	/**
	 * Return the index of the instance the process ran.
	 * @return the instance index
	 */
	public int getInstanceIndex() {
		return this.instanceIndex;
	}

	/**
	 * Return the id of the process that exited.
	 * @return the process id
	 */
	public long getPid() {
		return this.pid;
	}

	/**
	 * Return the exit code of the process.
	 * @return the exit code
	 */
	public int getExitCode() {
		return this.exitCode;
	}

}
