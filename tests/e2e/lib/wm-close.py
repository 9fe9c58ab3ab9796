#!/usr/bin/python3
"""Asks an X window to close, as a window manager does when the user clicks its close button:
sends the ICCCM WM_PROTOCOLS / WM_DELETE_WINDOW client message. GTK turns it into delete-event,
tao into CloseRequested, Tauri into the normal close path. Stdlib only (ctypes + libX11).

usage: wm-close.py WINDOW_ID   (e.g. 0x1200003)
"""
import ctypes
import sys
from ctypes import POINTER, Structure, Union, byref, c_char_p, c_int, c_long, c_ulong, c_void_p

CLIENT_MESSAGE = 33

class XClientMessageEvent(Structure):
    _fields_ = [("type", c_int), ("serial", c_ulong), ("send_event", c_int), ("display", c_void_p),
                ("window", c_ulong), ("message_type", c_ulong), ("format", c_int), ("data", c_long * 5)]

class XEvent(Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", c_long * 24)]

def main():
    wid = int(sys.argv[1], 0)
    x = ctypes.cdll.LoadLibrary("libX11.so.6")
    x.XOpenDisplay.restype = c_void_p
    x.XOpenDisplay.argtypes = [c_char_p]
    x.XInternAtom.restype = c_ulong
    x.XInternAtom.argtypes = [c_void_p, c_char_p, c_int]
    x.XSendEvent.argtypes = [c_void_p, c_ulong, c_int, c_long, POINTER(XEvent)]
    x.XFlush.argtypes = [c_void_p]
    x.XCloseDisplay.argtypes = [c_void_p]
    dpy = x.XOpenDisplay(None)
    if not dpy:
        sys.exit("cannot open display")
    ev = XEvent()
    ev.xclient.type = CLIENT_MESSAGE
    ev.xclient.window = wid
    ev.xclient.message_type = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.data[0] = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    ev.xclient.data[1] = 0  # CurrentTime
    if not x.XSendEvent(dpy, wid, 0, 0, byref(ev)):
        sys.exit("XSendEvent failed")
    x.XFlush(dpy)
    x.XCloseDisplay(dpy)

if __name__ == "__main__":
    main()
