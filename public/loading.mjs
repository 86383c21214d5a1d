// Trunk's initializer (`data-initializer` in each bundle's page): while the app's WebAssembly
// arrives, the page's static frame shows how much has come; once the app runs it removes that
// frame; if loading fails, it says so.

export default function loading() {
  const bar = () => document.getElementById("boot-progress");
  const boot = () => document.getElementById("boot");
  return {
    onProgress: ({ current, total }) => {
      const progress = bar();
      if (progress && total) {
        progress.max = total;
        progress.value = Math.min(current, total);
      }
    },
    onSuccess: () => boot()?.remove(),
    onFailure: () => {
      const message = document.getElementById("boot-message");
      if (message) {
        message.textContent =
          "The page could not load. Check your connection, then reload the page.";
        message.setAttribute("role", "alert");
      }
      bar()?.remove();
    },
  };
}
