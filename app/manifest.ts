// The web app manifest (/manifest.webmanifest): name, colours and icons for
// "install" and home-screen shortcuts.
import type { MetadataRoute } from "next";

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Live notifications",
    short_name: "Notifications",
    description: "Alerts the moment they are sent.",
    start_url: "/",
    display: "standalone",
    background_color: "#f8fafc",
    theme_color: "#2459c9",
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
}
