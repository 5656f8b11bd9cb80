package dev.discordoo.sharding.instance;

import org.springframework.core.env.Environment;

import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * Who a sharding instance is, from the environment its manager started it with.
 *
 * @param managerId the manager's snowflake
 * @param instanceId this instance's snowflake
 * @param index the instance index
 * @param token the per-spawn secret
 * @param worker whether this is an in-JVM worker rather than a child process
 * @param spare whether it was started ahead of need, to take over an instance when one is
 * lost: it waits for HELLO without the spawn timeout and takes its index from the HELLO
 * @param stdinGuard whether its manager holds its stdin open, so that the end of stdin means
 * the manager is gone
 */
public record InstanceIdentity(String managerId, String instanceId, int index, String token, boolean worker,
		boolean spare, boolean stdinGuard) {

	/**
	 * An identity without a stdin guard.
	 * @param managerId the manager's snowflake
	 * @param instanceId this instance's snowflake
	 * @param index the instance index
	 * @param token the per-spawn secret
	 * @param worker whether this is an in-JVM worker rather than a child process
	 * @param spare whether it was started ahead of need
	 */
	public InstanceIdentity(String managerId, String instanceId, int index, String token, boolean worker,
			boolean spare) {
		this(managerId, instanceId, index, token, worker, spare, false);
	}

	/**
	 * Read the identity from an environment that has {@link InstanceEnvironment#INSTANCE_ID}.
	 * @param environment the environment
	 * @return the identity
	 * @throws IllegalStateException naming the variable that is missing or malformed
	 */
	public static InstanceIdentity from(Environment environment) {
		String managerId = require(environment, InstanceEnvironment.MANAGER_ID);
		String instanceId = require(environment, InstanceEnvironment.INSTANCE_ID);
		String index = require(environment, InstanceEnvironment.INSTANCE_INDEX);
		String token = require(environment, InstanceEnvironment.TOKEN);
		try {
			DiscordooSnowflake.deconstruct(managerId);
			DiscordooSnowflake.deconstruct(instanceId);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Sharding instance environment has a malformed snowflake: " + ex.getMessage(),
					ex);
		}
		int parsedIndex;
		try {
			parsedIndex = Integer.parseInt(index);
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException(InstanceEnvironment.INSTANCE_INDEX + " must be an integer, was '" + index + "'");
		}
		if (token.length() < 16) {
			throw new IllegalStateException(InstanceEnvironment.TOKEN + " is too short to be a per-spawn secret");
		}
		boolean worker = Boolean.parseBoolean(environment.getProperty(InstanceEnvironment.WORKER, "false"));
		boolean spare = Boolean.parseBoolean(environment.getProperty(InstanceEnvironment.SPARE, "false"));
		boolean stdinGuard = Boolean.parseBoolean(environment.getProperty(InstanceEnvironment.STDIN_GUARD, "false"));
		return new InstanceIdentity(managerId, instanceId, parsedIndex, token, worker, spare, stdinGuard);
	}

	/**
	 * Return the manager's process id, which its snowflake carries as the worker id.
	 * @return the manager's pid
	 */
	public long managerPid() {
		return DiscordooSnowflake.deconstruct(this.managerId).workerId();
	}

	@Override
	public String toString() {
		return "InstanceIdentity[managerId=" + this.managerId + ", instanceId=" + this.instanceId + ", index="
				+ this.index + ", worker=" + this.worker + ", spare=" + this.spare + ", stdinGuard=" + this.stdinGuard + "]";
	}

	private static String require(Environment environment, String name) {
		String value = environment.getProperty(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException("Sharding instance environment lacks " + name
					+ " (an instance is started by its manager with " + InstanceEnvironment.MANAGER_ID + ", "
					+ InstanceEnvironment.INSTANCE_ID + ", " + InstanceEnvironment.INSTANCE_INDEX + " and "
					+ InstanceEnvironment.TOKEN + ")");
		}
		return value.trim();
	}

}
