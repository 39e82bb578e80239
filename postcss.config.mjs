/** Tailwind CSS v4 runs as a single PostCSS plugin; there is no tailwind.config file (the theme lives in app/globals.css). */
const config = {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};

export default config;
