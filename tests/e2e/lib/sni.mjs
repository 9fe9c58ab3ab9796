// A minimal StatusNotifierWatcher (the part of a desktop shell that tray icons register with) and
// the host side a shell uses to read a tray item's menu and click it, over the D-Bus session bus.
//
// Spec: https://www.freedesktop.org/wiki/Specifications/StatusNotifierItem/StatusNotifierWatcher/
// Menus: com.canonical.dbusmenu (GetLayout, AboutToShow, Event).
// Pure JavaScript (dbus-next), so it needs no system package beyond the bus itself.

import dbus from "dbus-next";

const { Interface } = dbus.interface;
const { Message, Variant } = dbus;

export const WATCHER_NAME = "org.kde.StatusNotifierWatcher";
export const WATCHER_PATH = "/StatusNotifierWatcher";
const WATCHER_IFACE = "org.kde.StatusNotifierWatcher";
const ITEM_IFACE = "org.kde.StatusNotifierItem";
const MENU_IFACE = "com.canonical.dbusmenu";
const DEFAULT_ITEM_PATH = "/StatusNotifierItem";

class WatcherInterface extends Interface {
  constructor(watcher) {
    super(WATCHER_IFACE);
    this._w = watcher;
  }
  // Handled in Watcher._onMethodCall (it needs the caller's unique name); declared here for
  // introspection only.
  RegisterStatusNotifierItem(_service) {}
  RegisterStatusNotifierHost(_service) {}
  get RegisteredStatusNotifierItems() {
    return [...this._w.items.keys()];
  }
  get IsStatusNotifierHostRegistered() {
    return true;
  }
  get ProtocolVersion() {
    return 0;
  }
  StatusNotifierItemRegistered(service) {
    return service;
  }
  StatusNotifierItemUnregistered(service) {
    return service;
  }
  StatusNotifierHostRegistered() {}
}
WatcherInterface.configureMembers({
  methods: {
    RegisterStatusNotifierItem: { inSignature: "s", outSignature: "" },
    RegisterStatusNotifierHost: { inSignature: "s", outSignature: "" },
  },
  properties: {
    RegisteredStatusNotifierItems: { signature: "as", access: "read" },
    IsStatusNotifierHostRegistered: { signature: "b", access: "read" },
    ProtocolVersion: { signature: "i", access: "read" },
  },
  signals: {
    StatusNotifierItemRegistered: { signature: "s" },
    StatusNotifierItemUnregistered: { signature: "s" },
    StatusNotifierHostRegistered: { signature: "" },
  },
});

/**
 * Owns org.kde.StatusNotifierWatcher on the session bus. `items` maps the registered item id
 * ("<bus name><object path>", as KDE's watcher reports it) to {busName, path, owner}.
 */
export class Watcher {
  constructor({ log = () => {} } = {}) {
    this.log = log;
    this.items = new Map();
    this._waiters = [];
  }

  async start() {
    this.bus = dbus.sessionBus();
    this.bus.on("error", (e) => this.log(`watcher bus error: ${e.message}`));
    this.iface = new WatcherInterface(this);
    this._handler = (msg) => this._onMethodCall(msg);
    this.bus.addMethodHandler(this._handler);
    this.bus.export(WATCHER_PATH, this.iface);
    const reply = await this.bus.requestName(WATCHER_NAME, dbus.NameFlag.DO_NOT_QUEUE);
    if (reply !== dbus.RequestNameReply.PRIMARY_OWNER) {
      throw new Error(`could not own ${WATCHER_NAME} (reply ${reply}): another watcher runs on this bus`);
    }
    // Drop items whose owner leaves the bus, as a real watcher does.
    await this._call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch", "s", [
      "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged'",
    ]);
    this.bus.on("message", (msg) => {
      if (msg.type !== dbus.MessageType.SIGNAL || msg.member !== "NameOwnerChanged" || msg.interface !== "org.freedesktop.DBus") return;
      const [name, , newOwner] = msg.body;
      if (newOwner !== "") return;
      for (const [id, it] of this.items) {
        if (it.busName === name || it.owner === name) {
          this.items.delete(id);
          this.log(`watcher: item gone: ${id}`);
          this.iface.StatusNotifierItemUnregistered(id);
        }
      }
    });
    this.log(`watcher: owning ${WATCHER_NAME} as ${this.bus.name}`);
    return this;
  }

  _onMethodCall(msg) {
    if (msg.interface !== WATCHER_IFACE || msg.path !== WATCHER_PATH) return false;
    if (msg.member === "RegisterStatusNotifierItem" && msg.signature === "s") {
      const service = msg.body[0];
      // The argument is either a bus name (the item is at /StatusNotifierItem) or an object path
      // (the item is on the caller's connection).
      const busName = service.startsWith("/") ? msg.sender : service;
      const path = service.startsWith("/") ? service : DEFAULT_ITEM_PATH;
      const id = `${busName}${path}`;
      const fresh = !this.items.has(id);
      this.items.set(id, { busName, path, owner: msg.sender });
      this.bus.send(Message.newMethodReturn(msg, "", []));
      this.log(`watcher: RegisterStatusNotifierItem(${service}) from ${msg.sender}`);
      if (fresh) this.iface.StatusNotifierItemRegistered(id);
      this._wake();
      return true;
    }
    if (msg.member === "RegisterStatusNotifierHost") {
      this.bus.send(Message.newMethodReturn(msg, "", []));
      return true;
    }
    return false;
  }

  _wake() {
    const ws = this._waiters;
    this._waiters = [];
    for (const w of ws) w();
  }

  /** Resolves with the first registered item (or the one `filter` accepts), within `timeoutMs`. */
  async waitForItem(timeoutMs = 10000, filter = () => true) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const it of this.items.values()) if (filter(it)) return it;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no StatusNotifierItem registered with the watcher within ${timeoutMs} ms`);
      await new Promise((res) => {
        const t = setTimeout(res, Math.min(left, 250));
        this._waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  async _call(destination, path, iface, member, signature = "", body = []) {
    const reply = await this.bus.call(new Message({ destination, path, interface: iface, member, signature, body }));
    return reply.body;
  }

  async getItemProperty(item, name) {
    const [v] = await this._call(item.busName, item.path, "org.freedesktop.DBus.Properties", "Get", "ss", [ITEM_IFACE, name]);
    return v.value;
  }

  /** The item's menu as a tree {id, props: {label, enabled, visible, ...}, children}. */
  async getMenu(item) {
    const menuPath = await this.getItemProperty(item, "Menu");
    // A shell calls AboutToShow on the root before it pops the menu up.
    try {
      await this._call(item.busName, menuPath, MENU_IFACE, "AboutToShow", "i", [0]);
    } catch (e) {
      this.log(`watcher: AboutToShow failed (ignored): ${e.message}`);
    }
    const [revision, layout] = await this._call(item.busName, menuPath, MENU_IFACE, "GetLayout", "iias", [0, -1, []]);
    const conv = ([id, props, children]) => ({
      id,
      props: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.value])),
      children: children.map((c) => conv(c.value)),
    });
    return { menuPath, revision, root: conv(layout) };
  }

  /** Flat list of {id, label, enabled, visible} (labels without mnemonic underscores). */
  static flatten(root) {
    const out = [];
    const walk = (n) => {
      for (const c of n.children) {
        if (c.props.type !== "separator") {
          out.push({
            id: c.id,
            label: String(c.props.label ?? "").replace(/_(.)/g, "$1"),
            enabled: c.props.enabled !== false,
            visible: c.props.visible !== false,
          });
        }
        walk(c);
      }
    };
    walk(root);
    return out;
  }

  /** Clicks the menu entry whose label is `label`, as a shell does when the user picks it. */
  async clickMenu(item, label) {
    const { menuPath, root } = await this.getMenu(item);
    const entries = Watcher.flatten(root);
    const e = entries.find((x) => x.label === label);
    if (!e) throw new Error(`no menu entry "${label}"; the menu has: ${entries.map((x) => JSON.stringify(x.label)).join(", ")}`);
    if (!e.enabled || !e.visible) throw new Error(`menu entry "${label}" is ${e.enabled ? "hidden" : "disabled"}`);
    const ts = Math.floor(Date.now() / 1000) >>> 0;
    await this._call(item.busName, menuPath, MENU_IFACE, "Event", "isvu", [e.id, "clicked", new Variant("s", ""), ts]);
    return e;
  }

  async stop() {
    if (!this.bus) return;
    try {
      await this.bus.releaseName(WATCHER_NAME);
    } catch {}
    try {
      this.bus.disconnect();
    } catch {}
    this.bus = null;
  }
}
