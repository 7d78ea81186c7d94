package dev.notebookchat.chat.redis;

/**
 * The few steps that must be atomic in Redis, as Lua scripts. Keys: a session's claim holds
 * {@code "<server id> <turn token>"}; a turn's events are the stream {@code events:<answer id>};
 * {@code running:<answer id>} exists while its server is alive and running it; {@code latest:<session id>}
 * names the session's latest answer for the grace period.
 */
final class Scripts {

    private Scripts() {
    }

    /**
     * KEYS: claim. ARGV: this server's id and a space, the new value, lease in ms. Takes a free claim,
     * or this server's own: it runs one turn per session already, and a turn that just ended here may
     * still be handing its last events on.
     */
    static final String CLAIM = """
            local v = redis.call('GET', KEYS[1])
            if v == false or string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;

    /** KEYS: claim, running. ARGV: value, lease in ms. Renews both while the claim is this turn's. */
    static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
              return 1
            end
            return 0
            """;

    /** KEYS: claim, running. ARGV: value. Gives the claim back if it is still this turn's. */
    static final String RELEASE = """
            redis.call('DEL', KEYS[2])
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /**
     * KEYS: events, latest, claim, running. ARGV: max stream length, grace in ms, lease in ms, answer
     * id, claim value, wake-up channel, then id and data of each event. Adds the events the stream
     * lacks (a batch sent again after a lost reply adds nothing twice), keeps the keys alive and
     * wakes the servers relaying the turn. The session's latest answer changes only while this turn
     * holds the claim, so a late batch of an earlier turn cannot point it back.
     */
    static final String APPEND = """
            local last = 0
            local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
            if #top > 0 then
              last = tonumber(string.match(top[1][1], '^(%d+)'))
            end
            for i = 7, #ARGV, 2 do
              local id = tonumber(ARGV[i])
              if id > last then
                redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i] .. '-0', 'd', ARGV[i + 1])
                last = id
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            if redis.call('GET', KEYS[3]) == ARGV[5] then
              redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2])
              redis.call('SET', KEYS[4], '1', 'PX', ARGV[3])
            end
            redis.call('PUBLISH', ARGV[6], last)
            return last
            """;
}
