// workerd's hello world, unchanged: java -jar target/runtime-fat.jar verticles/hello.js
export default {
  async fetch(req, env) {
    return new Response("Hello World\n");
  }
};
