package dev.notebookchat.chat.control;

import java.util.Optional;

/**
 * What the servers sharing one database tell each other about running turns, so that a turn started
 * on one can be resumed and stopped on another and each session runs one turn among all of them.
 * {@link #NONE} keeps every turn to the server running it: one server alone needs nothing more.
 */
public interface SharedTurns {

    /** The session's one running turn among all servers, held while it runs. */
    interface Claim {
        /** The turn is set up: its events go out to the other servers, and the claim is given back once they have them all. */
        void started(Turn turn);

        /** The turn never started: the claim goes back at once. */
        void release();
    }

    /**
     * Claims the session for a turn here.
     *
     * @return empty when another server runs a turn in the session
     */
    Optional<Claim> claim(String sessionId);

    /**
     * The session's latest turn when this server does not run it: {@code finishedHere} when that is
     * still the latest, else the turn of another server, relayed from it; empty when none is known
     * and the saved messages tell it.
     *
     * @throws jakarta.ws.rs.ServiceUnavailableException when the other servers cannot be asked
     */
    Optional<Turn> latest(String sessionId, Turn finishedHere);

    /**
     * Asks the server running the session's turn to stop it.
     *
     * @return the id of the answer being stopped; empty when no server runs a turn in the session
     * @throws jakarta.ws.rs.ServiceUnavailableException when the other servers cannot be asked
     */
    Optional<String> stop(String sessionId);

    SharedTurns NONE = new SharedTurns() {
        @Override
        public Optional<Claim> claim(String sessionId) {
            return Optional.of(new Claim() {
                @Override
                public void started(Turn turn) {
                }

                @Override
                public void release() {
                }
            });
        }

        @Override
        public Optional<Turn> latest(String sessionId, Turn finishedHere) {
            return Optional.ofNullable(finishedHere);
        }

        @Override
        public Optional<String> stop(String sessionId) {
            return Optional.empty();
        }
    };
}
