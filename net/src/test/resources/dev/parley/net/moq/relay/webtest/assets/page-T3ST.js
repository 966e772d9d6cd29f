console.log("parley")
