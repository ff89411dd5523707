// The console's only script of its own: save a file the app fetched with the bearer token; show an element full screen.
window.pointsConsole = {
  saveFile: async function (name, type, streamRef) {
    const buffer = await streamRef.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  },
  fullScreen: function (id) {
    const el = document.getElementById(id);
    if (el && el.requestFullscreen && !document.fullscreenElement) {
      el.requestFullscreen().catch(function () { });
    }
  }
};
