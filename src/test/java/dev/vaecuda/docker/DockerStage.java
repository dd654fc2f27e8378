package dev.vaecuda.docker;

import java.util.List;
import java.util.Optional;

/** A build stage: its FROM instruction and the instructions up to the next FROM. */
record DockerStage(DockerInstruction from, List<DockerInstruction> body) {

    /** The base image reference, e.g. nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04. */
    String image() {
        return from.operands().getFirst();
    }

    /** The name given with AS, if any. */
    Optional<String> name() {
        List<String> operands = from.operands();
        return operands.size() == 3 && operands.get(1).equalsIgnoreCase("AS") ? Optional.of(operands.get(2)) : Optional.empty();
    }

    List<DockerInstruction> all(String keyword) {
        return body.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The instruction that takes effect: the last one with this keyword. */
    Optional<DockerInstruction> last(String keyword) {
        List<DockerInstruction> found = all(keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
    }

    /** The index in the body of the first instruction with this keyword whose text contains {@code text}. */
    int indexOf(String keyword, String text) {
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i).keyword().equals(keyword) && body.get(i).arguments().contains(text)) {
                return i;
            }
        }
        throw new AssertionError("stage " + image() + " has no " + keyword + " with '" + text + "'");
    }
}
