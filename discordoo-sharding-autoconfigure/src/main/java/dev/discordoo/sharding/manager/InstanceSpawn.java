package dev.discordoo.sharding.manager;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * What a launcher needs to start one attempt of one instance.
 *
 * @param index the instance index
 * @param managerId the manager's snowflake
 * @param instanceId the snowflake of this attempt
 * @param token the secret of this attempt
 * @param spare whether it starts as a spare: it waits for a manager without a deadline, and
 * learns its index from HELLO
 */
public record InstanceSpawn(int index, String managerId, String instanceId, String token, boolean spare) {

	/**
	 * An instance spawned for a given index.
	 * @param index the instance index
	 * @param managerId the manager's snowflake
	 * @param instanceId the snowflake of this attempt
	 * @param token the secret of this attempt
	 */
	public InstanceSpawn(int index, String managerId, String instanceId, String token) {
		this(index, managerId, instanceId, token, false);
	}

	/**
	 * Return the protocol's environment variables for this attempt.
	 * @return variable names and values, the token among them
	 */
	public Map<String, String> environment() {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put(InstanceEnvironment.MANAGER_ID, this.managerId);
		environment.put(InstanceEnvironment.INSTANCE_ID, this.instanceId);
		environment.put(InstanceEnvironment.INSTANCE_INDEX, Integer.toString(this.index));
		environment.put(InstanceEnvironment.TOKEN, this.token);
		if (this.spare) {
			environment.put(InstanceEnvironment.SPARE, "true");
		}
		return environment;
	}

	@Override
	public String toString() {
		return "InstanceSpawn[index=" + this.index + ", managerId=" + this.managerId + ", instanceId=" + this.instanceId
				+ ", spare=" + this.spare + "]";
	}

}
