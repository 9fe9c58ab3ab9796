import { describe, expect, it } from "vitest";
import { postActions } from "./actions";
import { makePost, makeTarget } from "./testing";

const ids = (targets: ReturnType<typeof makeTarget>[], draft = false) =>
  postActions(makePost({ draft, targets })).map((a) => a.id);

describe("postActions", () => {
  it("offers retry first when a target failed", () => {
    expect(ids([makeTarget("failed"), makeTarget("scheduled", { account_id: 2 })])).toEqual([
      "retry",
      "publish-now",
      "cancel",
    ]);
  });

  it("offers nothing for a published post", () => {
    expect(ids([makeTarget("published")])).toEqual([]);
  });

  it("offers only retry while another target is publishing", () => {
    expect(ids([makeTarget("publishing"), makeTarget("missed", { account_id: 2 })])).toEqual(["retry"]);
  });

  it("offers nothing to publish for a draft", () => {
    expect(ids([makeTarget("draft")], true)).toEqual([]);
  });
});
